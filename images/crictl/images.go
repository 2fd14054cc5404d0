package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	pb "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// normalizeTagDigest splits a repo tag or digest for the IMAGE and TAG columns.
func splitRepoTag(ref string) (repo, tag string) {
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[:i], ref[i+1:]
	}
	return ref, "<none>"
}

func splitRepoDigest(ref string) (repo, digest string) {
	if i := strings.Index(ref, "@"); i >= 0 {
		return ref[:i], ref[i+1:]
	}
	return ref, "<none>"
}

// pullError explains that the lab has no internet, and how images get in instead.
func pullError(image string, err error) error {
	return fmt.Errorf("pulling image %q: %w\n"+
		"Runtime Lab has no internet: a registry out there cannot be reached. The preloaded images are "+
		"docker.io/library/busybox:latest, docker.io/library/nginx:latest and registry.k8s.io/pause:3.10 (see `crictl images`). "+
		"The lab has a registry of its own (systemctl start docker-registry, on 127.0.0.1:5000): a mirror for docker.io in "+
		"/etc/containerd/certs.d/docker.io/hosts.toml, with containerd's CRI config_path set to /etc/containerd/certs.d, pulls from it "+
		"(lesson \"containerd and ctr in depth\"). Or import an archive into the CRI's namespace: ctr -n k8s.io images import /root/images/<file>.tar", image, err)
}

var imageCommands = []*command{
	{
		name: "pull", usage: "Pull an image from a registry", args: "NAME[:TAG|@DIGEST]",
		flags: []flagDef{
			{name: "creds", kind: stringFlag, usage: "Use `USERNAME[:PASSWORD]` for accessing the registry"},
			{name: "auth", kind: stringFlag, usage: "Use `AUTH_STRING` for accessing the registry. AUTH_STRING is a base64 encoded 'USERNAME[:PASSWORD]'"},
			{name: "username", short: "u", kind: stringFlag, usage: "Use `USERNAME` for accessing the registry. The password will be requested on the command line"},
			{name: "pod-config", kind: stringFlag, usage: "Use `pod-config.[json|yaml]` to override the pull context"},
			{name: "annotation", short: "a", kind: sliceFlag, usage: "Annotation to be set on the pulled image"},
		},
		run: func(c *cli, p *parsed) error {
			if len(p.args) != 1 {
				return usageError{}
			}
			img, err := c.images()
			if err != nil {
				return err
			}
			var pod *pb.PodSandboxConfig
			if pc := p.String("pod-config"); pc != "" {
				if pod, err = loadPodConfig(pc); err != nil {
					return fmt.Errorf("load podSandboxConfig: %w", err)
				}
			}
			var auth *pb.AuthConfig
			if cr := p.String("creds"); cr != "" {
				u, pw, _ := strings.Cut(cr, ":")
				auth = &pb.AuthConfig{Username: u, Password: pw}
			} else if a := p.String("auth"); a != "" {
				auth = &pb.AuthConfig{Auth: a}
			}
			ann, err := parseLabels(p.Slice("annotation"))
			if err != nil {
				return err
			}
			spec := &pb.ImageSpec{Image: p.args[0], Annotations: ann}
			// No registry is reachable from the lab: an image already in the store is "up to date",
			// so tutorials that pull busybox first still run as written.
			if st, err := img.ImageStatus(c.ctx, spec, false); err == nil && st.GetImage() != nil {
				fmt.Fprintf(c.stderr, "%s is already in the runtime's image store, so it was not pulled again (Runtime Lab has no internet access to registries).\n", p.args[0])
				fmt.Fprintf(c.stdout, "Image is up to date for %s\n", st.GetImage().GetId())
				return nil
			}
			ref, err := img.PullImage(c.ctx, spec, auth, pod)
			if err != nil {
				return pullError(p.args[0], err)
			}
			fmt.Fprintf(c.stdout, "Image is up to date for %s\n", ref)
			return nil
		},
	},
	{
		name: "images", aliases: []string{"image", "img"}, usage: "List images", args: "[REPOSITORY[:TAG]]",
		flags: []flagDef{
			{name: "quiet", short: "q", kind: boolFlag, usage: "Only show image IDs"},
			{name: "verbose", short: "v", kind: boolFlag, usage: "Show verbose info for images"},
			{name: "digests", kind: boolFlag, usage: "Show digests"},
			{name: "no-trunc", kind: boolFlag, usage: "Show output without truncating the ID"},
			{name: "pinned", kind: boolFlag, usage: "Show whether the image is pinned or not"},
			outputFlag("", "json|yaml|table"),
			templateFlag,
		},
		run: listImages,
	},
	statusCommand("inspecti", "Return the status of one or more images", "IMAGE-ID [IMAGE-ID...]",
		func(c *cli, arg string, verbose bool) (*statusResult, error) {
			ref, err := c.imageRef(arg)
			if err != nil {
				return nil, err
			}
			r, err := c.img.ImageStatus(c.ctx, &pb.ImageSpec{Image: ref}, verbose)
			if err != nil {
				return nil, fmt.Errorf("image status for %q request: %w", arg, err)
			}
			i := r.GetImage()
			if i == nil {
				return nil, fmt.Errorf("no such image %q present", arg)
			}
			return &statusResult{status: i, info: r.GetInfo(), table: func() {
				fmt.Fprintf(c.stdout, "ID: %s\n", i.GetId())
				for _, t := range i.GetRepoTags() {
					fmt.Fprintf(c.stdout, "Tag: %s\n", t)
				}
				for _, d := range i.GetRepoDigests() {
					fmt.Fprintf(c.stdout, "Digest: %s\n", d)
				}
				fmt.Fprintf(c.stdout, "Size: %d\n", i.GetSize())
			}}, nil
		}, imagesService),
	{
		name: "rmi", usage: "Remove one or more images", args: "IMAGE-ID [IMAGE-ID...]",
		flags: []flagDef{
			{name: "all", short: "a", kind: boolFlag, usage: "Remove all images"},
			{name: "prune", short: "q", kind: boolFlag, usage: "Remove all unused images"},
		},
		run: func(c *cli, p *parsed) error {
			img, err := c.images()
			if err != nil {
				return err
			}
			ids := p.args
			if p.Bool("all") || p.Bool("prune") {
				list, err := img.ListImages(c.ctx, nil)
				if err != nil {
					return fmt.Errorf("listing images: %w", err)
				}
				inUse := map[string]bool{}
				if p.Bool("prune") {
					rt, err := c.runtime()
					if err != nil {
						return err
					}
					ctrs, err := rt.ListContainers(c.ctx, nil)
					if err != nil {
						return fmt.Errorf("listing containers: %w", err)
					}
					for _, ctr := range ctrs {
						if st, err := img.ImageStatus(c.ctx, ctr.GetImage(), false); err == nil && st.GetImage() != nil {
							inUse[st.GetImage().GetId()] = true
						}
						inUse[ctr.GetImageRef()] = true
					}
				}
				ids = nil
				for _, i := range list {
					if i.GetPinned() || inUse[i.GetId()] {
						continue
					}
					ids = append(ids, i.GetId())
				}
				if len(ids) == 0 {
					return nil
				}
			}
			if len(ids) == 0 {
				return usageError{}
			}
			var errs []error
			for _, a := range ids {
				ref, err := c.imageRef(a)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				st, err := img.ImageStatus(c.ctx, &pb.ImageSpec{Image: ref}, false)
				if err != nil {
					errs = append(errs, fmt.Errorf("image status request for %q failed: %w", a, err))
					continue
				}
				if st.GetImage() == nil {
					errs = append(errs, fmt.Errorf("no such image %s", a))
					continue
				}
				if err := img.RemoveImage(c.ctx, &pb.ImageSpec{Image: st.GetImage().GetId()}); err != nil {
					errs = append(errs, fmt.Errorf("error of removing image %q: %w", a, err))
					continue
				}
				tags := st.GetImage().GetRepoTags()
				if len(tags) == 0 {
					tags = st.GetImage().GetRepoDigests()
				}
				if len(tags) == 0 {
					tags = []string{st.GetImage().GetId()}
				}
				for _, t := range tags {
					fmt.Fprintf(c.stdout, "Deleted: %s\n", t)
				}
			}
			return errors.Join(errs...)
		},
	},
	{
		name: "imagefsinfo", usage: "Return image filesystem info",
		flags: []flagDef{outputFlag("json", "json|yaml|go-template|table"), templateFlag},
		run: func(c *cli, p *parsed) error {
			format := p.String("output")
			if err := checkFormat(format, true); err != nil {
				return err
			}
			img, err := c.images()
			if err != nil {
				return err
			}
			r, err := img.ImageFsInfo(c.ctx)
			if err != nil {
				return fmt.Errorf("image filesystem info request: %w", err)
			}
			if format == "table" {
				t := newTable(c.stdout)
				t.row("TIMESTAMP", "MOUNTPOINT", "USED BYTES", "INODES USED", "KIND")
				for kind, list := range map[string][]*pb.FilesystemUsage{"image": r.GetImageFilesystems(), "container": r.GetContainerFilesystems()} {
					for _, fs := range list {
						t.row(fmt.Sprint(fs.GetTimestamp()), fs.GetFsId().GetMountpoint(), humanSize(float64(fs.GetUsedBytes().GetValue())), fmt.Sprint(fs.GetInodesUsed().GetValue()), kind)
					}
				}
				t.flush()
				return nil
			}
			js, err := protoJSON(r)
			if err != nil {
				return err
			}
			return outputStatus(c.stdout, []statusEntry{{status: js}}, format, p.String("template"))
		},
	},
}

// imageRef resolves a short image ID (a prefix of the sha256) to the full ID; names pass through.
func (c *cli) imageRef(a string) (string, error) {
	img, err := c.images()
	if err != nil {
		return "", err
	}
	hex := strings.TrimPrefix(a, "sha256:")
	if len(hex) < 3 || strings.Trim(hex, "0123456789abcdef") != "" {
		return a, nil
	}
	if st, err := img.ImageStatus(c.ctx, &pb.ImageSpec{Image: a}, false); err == nil && st.GetImage() != nil {
		return a, nil
	}
	list, err := img.ListImages(c.ctx, nil)
	if err != nil {
		return "", fmt.Errorf("listing images: %w", err)
	}
	ids := make([]string, 0, len(list))
	for _, i := range list {
		ids = append(ids, strings.TrimPrefix(i.GetId(), "sha256:"))
	}
	id, err := matchID("image", hex, ids)
	if err != nil {
		return "", err
	}
	if id == hex {
		return a, nil
	}
	return "sha256:" + id, nil
}

func listImages(c *cli, p *parsed) error {
	format := p.String("output")
	if err := checkFormat(format, true); err != nil {
		return err
	}
	img, err := c.images()
	if err != nil {
		return err
	}
	var filter *pb.ImageFilter
	if len(p.args) > 0 {
		filter = &pb.ImageFilter{Image: &pb.ImageSpec{Image: p.args[0]}}
	}
	list, err := img.ListImages(c.ctx, filter)
	if err != nil {
		return fmt.Errorf("listing images: %w", err)
	}
	if len(p.args) > 0 {
		// containerd ignores the filter: match the repository (and tag) here, as crictl's users expect.
		want := p.args[0]
		var kept []*pb.Image
		for _, i := range list {
			for _, t := range i.GetRepoTags() {
				repo, _ := splitRepoTag(t)
				if t == want || repo == want || strings.HasSuffix(repo, "/"+want) || strings.HasSuffix(t, "/"+want) {
					kept = append(kept, i)
					break
				}
			}
		}
		list = kept
	}
	sort.SliceStable(list, func(a, b int) bool {
		ta, tb := list[a].GetRepoTags(), list[b].GetRepoTags()
		if len(ta) > 0 && len(tb) > 0 {
			return ta[0] < tb[0]
		}
		return list[a].GetId() < list[b].GetId()
	})
	if format != "table" && format != "" {
		return printProto(c.stdout, &pb.ListImagesResponse{Images: list}, format, p.String("template"))
	}
	t := newTable(c.stdout)
	quiet, verbose, digests, pinned := p.Bool("quiet"), p.Bool("verbose"), p.Bool("digests"), p.Bool("pinned")
	if !quiet && !verbose {
		head := []string{"IMAGE", "TAG"}
		if digests {
			head = append(head, "DIGEST")
		}
		head = append(head, "IMAGE ID", "SIZE")
		if pinned {
			head = append(head, "PINNED")
		}
		t.row(head...)
	}
	for _, i := range list {
		if quiet {
			fmt.Fprintln(c.stdout, i.GetId())
			continue
		}
		if verbose {
			fmt.Fprintf(c.stdout, "ID: %s\n", i.GetId())
			for _, tag := range i.GetRepoTags() {
				fmt.Fprintf(c.stdout, "RepoTags: %s\n", tag)
			}
			for _, d := range i.GetRepoDigests() {
				fmt.Fprintf(c.stdout, "RepoDigests: %s\n", d)
			}
			if i.GetSize() != 0 {
				fmt.Fprintf(c.stdout, "Size: %d\n", i.GetSize())
			}
			if i.GetUid() != nil {
				fmt.Fprintf(c.stdout, "Uid: %v\n", i.GetUid())
			}
			if i.GetUsername() != "" {
				fmt.Fprintf(c.stdout, "Username: %v\n", i.GetUsername())
			}
			if i.GetPinned() {
				fmt.Fprintf(c.stdout, "Pinned: %v\n", i.GetPinned())
			}
			fmt.Fprintf(c.stdout, "\n")
			continue
		}
		id := i.GetId()
		if !p.Bool("no-trunc") {
			id = truncateID(id, "sha256:")
		}
		size := humanSize(float64(i.GetSize()))
		digest := "<none>"
		if len(i.GetRepoDigests()) > 0 {
			_, digest = splitRepoDigest(i.GetRepoDigests()[0])
			if !p.Bool("no-trunc") {
				digest = truncateID(digest, "sha256:")
			}
		}
		tags := i.GetRepoTags()
		if len(tags) == 0 {
			tags = []string{"<none>:<none>"}
			if len(i.GetRepoDigests()) > 0 {
				repo, _ := splitRepoDigest(i.GetRepoDigests()[0])
				tags = []string{repo + ":<none>"}
			}
		}
		for _, tag := range tags {
			repo, tg := splitRepoTag(tag)
			row := []string{repo, tg}
			if digests {
				row = append(row, digest)
			}
			row = append(row, id, size)
			if pinned {
				row = append(row, fmt.Sprint(i.GetPinned()))
			}
			t.row(row...)
		}
	}
	t.flush()
	return nil
}
