'use client';
// Lets a Run button inside a Step tell the Step to start checking.
import { createContext } from 'react';

export const StepContext = createContext<{ onRun(): void } | null>(null);
