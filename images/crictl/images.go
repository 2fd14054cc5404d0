package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"
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

// pullAuth is upstream's getAuth: --username asks for the password on the terminal, --creds gives
// USERNAME[:PASSWORD], --auth a base64 string; --creds and --auth exclude each other.
func (c *session) pullAuth(p *parsed) (*pb.AuthConfig, error) {
	creds, auth, username := p.String("creds"), p.String("auth"), p.String("username")
	if username != "" {
		fmt.Fprint(c.stdout, "Enter Password:")
		password, err := readPassword(c.stdin)
		fmt.Fprint(c.stdout, "\n")
		if err != nil {
			return nil, err
		}
		return &pb.AuthConfig{Username: username, Password: password}, nil
	}
	if creds != "" && auth != "" {
		return nil, errors.New("both `--creds` and `--auth` are specified")
	}
	if creds != "" {
		user, password, _ := strings.Cut(creds, ":")
		if user == "" {
			return nil, errors.New("username can't be empty")
		}
		return &pb.AuthConfig{Username: user, Password: password}, nil
	}
	if auth != "" {
		return &pb.AuthConfig{Auth: auth}, nil
	}
	return nil, nil
}

// readPassword reads one line from in with the terminal's echo off (when in is a terminal).
func readPassword(in io.Reader) (string, error) {
	if f, ok := in.(*os.File); ok && isTerminal(f) {
		fd := int(f.Fd())
		old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
		if err != nil {
			return "", err
		}
		noEcho := *old
		noEcho.Lflag &^= unix.ECHO
		if err := unix.IoctlSetTermios(fd, unix.TCSETS, &noEcho); err != nil {
			return "", err
		}
		defer unix.IoctlSetTermios(fd, unix.TCSETS, old)
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func imageCommands() []*cli.Command {
	return []*cli.Command{
		{
			Name:                   "pull",
			Usage:                  "Pull an image from a registry",
			ArgsUsage:              "NAME[:TAG|@DIGEST]",
			UseShortOptionHandling: true,
			Flags: append([]cli.Flag{
				&cli.StringFlag{Name: "pod-config", Usage: "Use `pod-config.[json|yaml]` to override the pull c", TakesFile: true},
				&cli.StringSliceFlag{Name: "annotation", Aliases: []string{"a"}, Usage: "Annotation to be set on the pulled image"},
			}, pullFlags()...),
			Action: action(func(c *session, p *parsed) error {
				if len(p.args) != 1 || p.args[0] == "" {
					return p.showHelp()
				}
				img, err := c.images()
				if err != nil {
					return err
				}
				auth, err := c.pullAuth(p)
				if err != nil {
					return err
				}
				var pod *pb.PodSandboxConfig
				if p.IsSet("pod-config") {
					if pod, err = c.loadPodConfig(p.String("pod-config")); err != nil {
						return fmt.Errorf("load podSandboxConfig: %w", err)
					}
				}
				var ann map[string]string
				if p.IsSet("annotation") {
					if ann, err = parseLabels(p.Slice("annotation")); err != nil {
						return err
					}
				}
				spec := &pb.ImageSpec{Image: p.args[0], Annotations: ann}
				// An image already in the store is "up to date" without asking a registry, so
				// tutorials that pull busybox first still run as written where no registry answers.
				if st, err := img.ImageStatus(c.ctx, spec, false); err == nil && st.GetImage() != nil {
					fmt.Fprintf(c.stderr, "%s is already in the runtime's image store, so it was not pulled again (Runtime Lab has no internet access to registries).\n", p.args[0])
					fmt.Fprintf(c.stdout, "Image is up to date for %s\n", st.GetImage().GetId())
					return nil
				}
				ctx, cancel := c.requestContext(p.Duration("pull-timeout"))
				defer cancel()
				ref, err := img.PullImage(ctx, spec, auth, pod)
				if err != nil {
					return pullError(p.args[0], err)
				}
				fmt.Fprintf(c.stdout, "Image is up to date for %s\n", ref)
				return nil
			}),
		},
		{
			Name:                   "images",
			Aliases:                []string{"image", "img"},
			Usage:                  "List images",
			ArgsUsage:              "[REPOSITORY[:TAG]]",
			UseShortOptionHandling: true,
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "Show verbose info for images"},
				&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "Only show image IDs"},
				outputFlag("", "json|yaml|table"),
				&cli.BoolFlag{Name: "digests", Usage: "Show digests"},
				&cli.BoolFlag{Name: "no-trunc", Usage: "Show output without truncating the ID"},
				&cli.BoolFlag{Name: "pinned", Usage: "Show whether the image is pinned or not"},
				templateFlag(),
			},
			Action: action(func(c *session, p *parsed) error {
				if len(p.args) > 1 {
					return p.showHelp()
				}
				return listImages(c, p)
			}),
		},
		statusCommand(&cli.Command{Name: "inspecti", Usage: "Return the status of one or more images", ArgsUsage: "IMAGE-ID [IMAGE-ID...]"},
			func(c *session, arg string, verbose bool) (*statusResult, error) {
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
			Name:      "rmi",
			Usage:     "Remove one or more images",
			ArgsUsage: "IMAGE-ID [IMAGE-ID...]",
			Description: `Remove one or more images by ID or reference.
NOTE: Due to CRI API limitations, when you specify an image by tag (e.g., 'localhost/test:latest'),
the entire image will be removed along with ALL of its tags, not just the specified tag.
This behavior differs from 'docker rmi', 'nerdctl rmi', and 'ctr image rm', which only remove
the specified tag. To remove only a specific tag, use the container runtime's native CLI tool
(e.g., 'nerdctl', 'ctr', or 'podman').`,
			UseShortOptionHandling: true,
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "Remove all images"},
				&cli.BoolFlag{Name: "prune", Aliases: []string{"q"}, Usage: "Remove all unused images"},
			},
			Action: action(removeImages),
		},
		{
			Name:                   "imagefsinfo",
			Usage:                  "Return image filesystem info",
			UseShortOptionHandling: true,
			Flags:                  []cli.Flag{outputFlag("", "json|yaml|go-template|table"), templateFlag()},
			Action: action(func(c *session, p *parsed) error {
				format := p.String("output")
				if format == "" {
					format = "json"
				}
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
			}),
		},
	}
}

// removeImages is rmi: the named images, or all (--all), or all that no container uses (--prune);
// pinned images are never pruned.
func removeImages(c *session, p *parsed) error {
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
			if (p.Bool("prune") && i.GetPinned()) || inUse[i.GetId()] {
				continue
			}
			ids = append(ids, i.GetId())
		}
		if len(ids) == 0 {
			return nil
		}
	}
	if len(ids) == 0 {
		return p.showHelp()
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
}

// imageRef resolves a short image ID (a prefix of the sha256) to the full ID; names pass through.
func (c *session) imageRef(a string) (string, error) {
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

func listImages(c *session, p *parsed) error {
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
