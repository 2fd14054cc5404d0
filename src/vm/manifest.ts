// What `npm run lab:image` writes to public/vm/manifest.json: the machine's settings (a restore
// must use the same ones as the boot that made the state) and what went into the image.

export interface ManifestFile {
  name: string;
  size: number;
  sha256: string;
}

/** Bumped when the manifest's shape changes: a page reads only the format it was built for. */
export const MANIFEST_FORMAT = 1;

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  builtAt: string;
  /** sha256 of images/packages.lock.json and of the whole recipe, as the build cache keys them. */
  lockSha256: string;
  recipeKey: string;
  machine: MachineSettings;
  files: {
    wasm: ManifestFile;
    bios: ManifestFile;
    vgaBios: ManifestFile;
    kernel: ManifestFile;
    initrd: ManifestFile;
    fsJson: ManifestFile;
    state: ManifestFile & { rawSize: number };
  };
  /** The folder of 9p files, relative to the manifest. */
  fsDir: string;
  fs: { files: number; uniqueFiles: number; totalBytes: number; uniqueBytes: number; storedBytes: number };
  kernelVersion: string;
  v86Version: string;
  packages: Record<string, { version: string; suite: string; sha256: string; sets: string[] }>;
  /** Packages that differ from the lock (a locked version vanished from the mirror). */
  drift: string[];
  /**
   * The preloaded images. `layer` is the guest folder (on the 9p root) holding the image's one layer,
   * unpacked; its snapshot in each namespace points there (images/builder/snapshot.ts).
   */
  images: Array<{ ref: string; manifestDigest: string; tarball: string; size: number; diffId: string; layer: string }>;
  snapshot: { bootToAgentMs: number; bootToReadyMs: number; guestMemUsedKiB: number };
}

export interface MachineSettings {
  memoryMiB: number;
  vgaMemoryMiB: number;
  cmdline: string;
}

/** The guest's settings: chosen once here, recorded in the manifest, reused by every restore. */
export const DEFAULT_MACHINE: MachineSettings = {
  memoryMiB: 256,
  vgaMemoryMiB: 2,
  cmdline: [
    'console=ttyS0', 'rw', 'tsc=reliable', 'mitigations=off', 'nowatchdog', 'audit=0', 'apparmor=0',
    'random.trust_cpu=on', 'init_on_free=1', 'systemd.show_status=0', 'loglevel=4',
  ].join(' '),
};
