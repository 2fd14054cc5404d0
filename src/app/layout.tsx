import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Runtime Lab', template: '%s · Runtime Lab' },
  description: 'Learn how containers really run: lessons beside a real containerd and runc Linux, emulated in your browser.',
};
export const viewport: Viewport = {
  colorScheme: 'light dark',
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#fbfbfa' },
    { media: '(prefers-color-scheme: dark)', color: '#0f1419' },
  ],
};

// Applies a remembered theme before first paint, so a dark choice never flashes light.
const themeScript = `try{var t=JSON.parse(localStorage.getItem('runtime-lab:theme')||'{}').state;if(t&&(t.theme==='light'||t.theme==='dark'))document.documentElement.setAttribute('data-theme',t.theme)}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body>{children}</body>
    </html>
  );
}
