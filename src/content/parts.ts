// The course's parts, in order. A lesson names its part in its frontmatter (`part:`).
export const PARTS = [
  { id: 'start', title: 'Start here', summary: 'The lab, and the stack from kubelet to kernel.' },
  { id: 'low-level', title: 'The low-level runtime', summary: 'Namespaces and cgroups by hand, the OCI bundle, runc and crun, sandboxed runtimes.' },
  { id: 'containerd', title: 'The high-level runtime: containerd', summary: 'ctr in depth, configuring containerd, containerd under systemd and the cgroup drivers.' },
  { id: 'cri', title: 'The CRI and the node', summary: 'crictl, pods and pause, RuntimeClass, Docker on containerd, wiring an edge node.' },
] as const;

export type PartId = (typeof PARTS)[number]['id'];
export const PART_IDS: readonly string[] = PARTS.map((p) => p.id);
