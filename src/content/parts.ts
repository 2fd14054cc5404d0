// The course's parts, in order. A lesson names its part in lesson.yaml (`part:`); each part's title
// and summary are in the UI catalogue (src/i18n, part.<id>.title / part.<id>.summary).
export const PARTS = [{ id: 'start' }, { id: 'low-level' }, { id: 'containerd' }, { id: 'cri' }] as const;

export type PartId = (typeof PARTS)[number]['id'];
export const PART_IDS: readonly string[] = PARTS.map((p) => p.id);
