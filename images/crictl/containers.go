package main

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	pb "k8s.io/cri-api/pkg/apis/runtime/v1"
)

func containerState(s pb.ContainerState) string {
	switch s {
	case pb.ContainerState_CONTAINER_CREATED:
		return "Created"
	case pb.ContainerState_CONTAINER_RUNNING:
		return "Running"
	case pb.ContainerState_CONTAINER_EXITED:
		return "Exited"
	}
	return "Unknown"
}

func fromLabels(labels map[string]string, key string) string {
	if v, ok := labels[key]; ok {
		return v
	}
	return "unknown"
}

const (
	labelPodName      = "io.kubernetes.pod.name"
	labelPodNamespace = "io.kubernetes.pod.namespace"
)

// containerPullFlags are create's and run's pull switches, worded for each, as upstream's.
func containerPullFlags(noPullUsage, withPullUsage string) []cli.Flag {
	return append([]cli.Flag{
		&cli.BoolFlag{Name: "no-pull", Usage: noPullUsage},
		&cli.BoolFlag{Name: "with-pull", Usage: withPullUsage},
		cancelTimeoutFlag(),
	}, pullFlags()...)
}

func containerCommands() []*cli.Command {
	return []*cli.Command{
		{
			Name:      "create",
			Usage:     "Create a new container",
			ArgsUsage: "POD container-config.[json|yaml] pod-config.[json|yaml]",
			Flags: containerPullFlags(
				"Do not pull the image on container creation (overrides pull-image-on-create=true in config)",
				"Pull the image on container creation (overrides pull-image-on-create=false in config)"),
			Action: action(func(c *session, p *parsed) error {
				if len(p.args) != 3 {
					return p.showHelp()
				}
				podID, err := c.podID(p.args[0])
				if err != nil {
					return err
				}
				id, err := c.createContainer(p, podID, p.args[1], p.args[2], (c.pullOnCreate || p.Bool("with-pull")) && !p.Bool("no-pull"))
				if err != nil {
					return fmt.Errorf("creating container: %w", err)
				}
				fmt.Fprintln(c.stdout, id)
				return nil
			}),
		},
		{
			Name:      "start",
			Usage:     "Start one or more created containers",
			ArgsUsage: "CONTAINER-ID [CONTAINER-ID...]",
			Action: action(func(c *session, p *parsed) error {
				if len(p.args) == 0 {
					return errIDEmpty
				}
				return c.eachContainer(p.args, func(id string) error {
					if err := c.rt.StartContainer(c.ctx, id); err != nil {
						return fmt.Errorf("starting the container %q: %w", id, err)
					}
					fmt.Fprintln(c.stdout, id)
					return nil
				})
			}),
		},
		{
			Name:                   "stop",
			Usage:                  "Stop one or more running containers",
			ArgsUsage:              "CONTAINER-ID [CONTAINER-ID...]",
			UseShortOptionHandling: true,
			Flags: []cli.Flag{
				&cli.Int64Flag{Name: "timeout", Aliases: []string{"t"}, Usage: "Seconds to wait to kill the container after a graceful stop is requested"},
				&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "Stop all running containers"},
			},
			Action: action(func(c *session, p *parsed) error {
				ids := p.args
				if p.Bool("all") {
					if len(ids) > 0 {
						return cli.Exit("cannot specify CONTAINER-ID(s) when using --all", 1)
					}
					rt, err := c.runtime()
					if err != nil {
						return err
					}
					running, err := rt.ListContainers(c.ctx, &pb.ContainerFilter{State: &pb.ContainerStateValue{State: pb.ContainerState_CONTAINER_RUNNING}})
					if err != nil {
						return fmt.Errorf("listing containers: %w", err)
					}
					if len(running) == 0 {
						fmt.Fprintln(c.stdout, "No running containers found.")
						return nil
					}
					for _, ctr := range running {
						ids = append(ids, ctr.GetId())
					}
				} else if len(ids) == 0 {
					return cli.Exit("you must specify at least one CONTAINER-ID or use --all", 1)
				}
				return c.eachContainer(ids, func(id string) error {
					if err := c.rt.StopContainer(c.ctx, id, p.Int("timeout")); err != nil {
						return fmt.Errorf("stopping the container %q: %w", id, err)
					}
					fmt.Fprintln(c.stdout, id)
					return nil
				})
			}),
		},
		removeCommand(removeSpec{
			name: "rm", usage: "Remove one or more containers", args: "CONTAINER-ID [CONTAINER-ID...]",
			what: "container", plural: "containers",
			all: func(c *session) ([]string, error) {
				ctrs, err := c.rt.ListContainers(c.ctx, nil)
				if err != nil {
					return nil, fmt.Errorf("list containers: %w", err)
				}
				ids := make([]string, 0, len(ctrs))
				for _, ctr := range ctrs {
					ids = append(ids, ctr.GetId())
				}
				return ids, nil
			},
			resolve: (*session).containerID,
			running: func(c *session, id string) (bool, error) {
				st, err := c.rt.ContainerStatus(c.ctx, id, false)
				return st.GetStatus().GetState() == pb.ContainerState_CONTAINER_RUNNING, err
			},
			stop:    func(c *session, id string) error { return c.rt.StopContainer(c.ctx, id, 0) },
			remove:  func(c *session, id string) error { return c.rt.RemoveContainer(c.ctx, id) },
			removed: func(id string) string { return id },
		}),
		statusCommand(&cli.Command{Name: "inspect", Usage: "Display the status of one or more containers", ArgsUsage: "CONTAINER-ID [CONTAINER-ID...]"},
			func(c *session, arg string, verbose bool) (*statusResult, error) {
				id, err := c.containerID(arg)
				if err != nil {
					return nil, err
				}
				r, err := c.rt.ContainerStatus(c.ctx, id, verbose)
				if err != nil {
					return nil, fmt.Errorf("getting the status of the container %q: %w", arg, err)
				}
				return &statusResult{status: r.GetStatus(), info: r.GetInfo(), table: func() { printContainerStatusTable(c, r.GetStatus()) }}, nil
			}, runtimeService),
		{
			Name:                   "ps",
			Usage:                  "List containers",
			UseShortOptionHandling: true,
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "Show verbose information for containers"},
				&cli.StringFlag{Name: "id", Usage: "Filter by container id"},
				&cli.StringFlag{Name: "name", Usage: "Filter by container name regular expression pattern"},
				&cli.StringFlag{Name: "pod", Aliases: []string{"p"}, Usage: "Filter by pod id"},
				&cli.StringFlag{Name: "image", Usage: "Filter by container image"},
				&cli.StringFlag{Name: "state", Aliases: []string{"s"}, Usage: "Filter by container state"},
				&cli.StringSliceFlag{Name: "label", Usage: "Filter by key=value label"},
				&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "Only display container IDs"},
				outputFlag("table", "json|yaml|table"),
				&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "Show all containers"},
				&cli.BoolFlag{Name: "latest", Aliases: []string{"l"}, Usage: "Show the most recently created container (includes all states)"},
				&cli.IntFlag{Name: "last", Aliases: []string{"n"}, Usage: "Show last n recently created containers (includes all states). Set 0 for unlimited."},
				&cli.BoolFlag{Name: "no-trunc", Usage: "Show output without truncating the ID"},
				&cli.BoolFlag{Name: "resolve-image-path", Aliases: []string{"r"}, Usage: "Show image path instead of image id"},
				&cli.StringFlag{Name: "namespace", Usage: "Filter by pod namespace regular expression pattern"},
				templateFlag(),
			},
			Action: action(listContainers),
		},
		{
			Name:      "update",
			Usage:     "Update one or more running containers",
			ArgsUsage: "CONTAINER-ID [CONTAINER-ID...]",
			Flags: []cli.Flag{
				&cli.Int64Flag{Name: "cpu-count", Usage: "(Windows only) Number of CPUs available to the container"},
				&cli.Int64Flag{Name: "cpu-maximum", Usage: "(Windows only) Portion of CPU cycles specified as a percentage * 100"},
				&cli.Int64Flag{Name: "cpu-period", Usage: "CPU CFS period to be used for hardcapping (in usecs). 0 to use system default"},
				&cli.Int64Flag{Name: "cpu-quota", Usage: "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period"},
				&cli.Int64Flag{Name: "cpu-share", Usage: "CPU shares (relative weight vs. other containers)"},
				// Upstream's --memory takes bytes only; a unit suffix (64m) is the lab's addition.
				&cli.StringFlag{Name: "memory", Usage: "Memory limit (in bytes)"},
				&cli.StringFlag{Name: "cpuset-cpus", Usage: "CPU(s) to use"},
				&cli.StringFlag{Name: "cpuset-mems", Usage: "Memory node(s) to use"},
			},
			Action: action(func(c *session, p *parsed) error {
				if len(p.args) == 0 {
					return errIDEmpty
				}
				res := &pb.LinuxContainerResources{
					CpuPeriod:  p.Int("cpu-period"),
					CpuQuota:   p.Int("cpu-quota"),
					CpuShares:  p.Int("cpu-share"),
					CpusetCpus: p.String("cpuset-cpus"),
					CpusetMems: p.String("cpuset-mems"),
				}
				if m := p.String("memory"); m != "" {
					n, err := parseBytes(m)
					if err != nil {
						return err
					}
					res.MemoryLimitInBytes = n
				}
				return c.eachContainer(p.args, func(id string) error {
					if err := c.rt.UpdateContainerResources(c.ctx, id, &pb.ContainerResources{Linux: res}); err != nil {
						return fmt.Errorf("updating container resources for %q: %w", id, err)
					}
					fmt.Fprintln(c.stdout, id)
					return nil
				})
			}),
		},
		{
			Name:      "run",
			Usage:     "Run a new container inside a sandbox",
			ArgsUsage: "container-config.[json|yaml] pod-config.[json|yaml]",
			Flags: append(containerPullFlags(
				"Do not pull the image (overrides disable-pull-on-run=false in config)",
				"Pull the image (overrides disable-pull-on-run=true in config)"),
				&cli.StringFlag{Name: "runtime", Aliases: []string{"r"}, Usage: "Runtime handler to use. Available options are defined by the container runtime."}),
			Action: action(func(c *session, p *parsed) error {
				if len(p.args) != 2 {
					return p.showHelp()
				}
				pod, err := c.podConfig(p.args[1], "")
				if err != nil {
					return err
				}
				ctx, cancel := c.requestContext(p.Duration("cancel-timeout"))
				defer cancel()
				podID, err := c.rt.RunPodSandbox(ctx, pod, p.String("runtime"))
				if err != nil {
					return fmt.Errorf("run pod sandbox: %w", err)
				}
				pull := (!c.disablePullRun || p.Bool("with-pull")) && !p.Bool("no-pull")
				id, err := c.createContainer(p, podID, p.args[0], p.args[1], pull)
				if err != nil {
					return fmt.Errorf("creating container failed: %w", err)
				}
				if err := c.rt.StartContainer(c.ctx, id); err != nil {
					return fmt.Errorf("starting the container %q: %w", id, err)
				}
				fmt.Fprintln(c.stdout, id)
				return nil
			}),
		},
	}
}

// errIDEmpty is upstream's answer to a command that needs IDs and got none.
var errIDEmpty = errors.New("ID cannot be empty")

// eachContainer resolves each ID and runs f, collecting the errors (crictl carries on with the rest).
func (c *session) eachContainer(args []string, f func(id string) error) error {
	if _, err := c.runtime(); err != nil {
		return err
	}
	var errs []error
	for _, a := range args {
		id, err := c.containerID(a)
		if err == nil {
			err = f(id)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// createContainer loads the configs and creates the container; with pull, a missing image is
// pulled first (with the command's credentials and --pull-timeout).
func (c *session) createContainer(p *parsed, podID, ctrPath, podPath string, pull bool) (string, error) {
	ctr, err := loadContainerConfig(ctrPath)
	if err != nil {
		return "", fmt.Errorf("load containerConfig: %w", err)
	}
	pod, err := c.podConfig(podPath, podID)
	if err != nil {
		return "", err
	}
	if pull {
		img, err := c.images()
		if err != nil {
			return "", err
		}
		st, err := img.ImageStatus(c.ctx, ctr.GetImage(), false)
		if err == nil && st.GetImage() == nil {
			auth, err := c.pullAuth(p)
			if err != nil {
				return "", err
			}
			ctx, cancel := c.requestContext(p.Duration("pull-timeout"))
			defer cancel()
			if _, err := img.PullImage(ctx, ctr.GetImage(), auth, pod); err != nil {
				return "", pullError(ctr.GetImage().GetImage(), err)
			}
		}
	}
	ctx, cancel := c.requestContext(p.Duration("cancel-timeout"))
	defer cancel()
	id, err := c.rt.CreateContainer(ctx, podID, ctr, pod)
	if err != nil {
		return "", err
	}
	return id, nil
}

func parseBytes(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for suffix, m := range map[string]int64{"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "b": 1} {
		if strings.HasSuffix(t, suffix) {
			if _, err := strconv.ParseFloat(strings.TrimSuffix(t, suffix), 64); err == nil {
				mult = m
				t = strings.TrimSuffix(t, suffix)
				break
			}
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("invalid size: %q", s)
	}
	return int64(f * float64(mult)), nil
}

func listContainers(c *session, p *parsed) error {
	format := p.String("output")
	if err := checkFormat(format, true); err != nil {
		return err
	}
	rt, err := c.runtime()
	if err != nil {
		return err
	}
	filter := &pb.ContainerFilter{}
	if id := p.String("id"); id != "" {
		if filter.Id, err = c.containerID(id); err != nil {
			return err
		}
	}
	if pod := p.String("pod"); pod != "" {
		if filter.PodSandboxId, err = c.podID(pod); err != nil {
			return err
		}
	}
	state := strings.ToLower(p.String("state"))
	switch state {
	case "":
		if !p.Bool("all") {
			filter.State = &pb.ContainerStateValue{State: pb.ContainerState_CONTAINER_RUNNING}
		}
	case "created":
		filter.State = &pb.ContainerStateValue{State: pb.ContainerState_CONTAINER_CREATED}
	case "running":
		filter.State = &pb.ContainerStateValue{State: pb.ContainerState_CONTAINER_RUNNING}
	case "exited":
		filter.State = &pb.ContainerStateValue{State: pb.ContainerState_CONTAINER_EXITED}
	case "unknown":
		filter.State = &pb.ContainerStateValue{State: pb.ContainerState_CONTAINER_UNKNOWN}
	default:
		return errors.New("--state should be one of created, running, exited or unknown")
	}
	if p.Bool("latest") || p.Int("last") > 0 {
		filter.State = nil
	}
	labels, err := parseLabels(p.Slice("label"))
	if err != nil {
		return err
	}
	if len(labels) > 0 {
		filter.LabelSelector = labels
	}
	nameRe, err := compileRegex(p.String("name"))
	if err != nil {
		return err
	}
	nsRe, err := compileRegex(p.String("namespace"))
	if err != nil {
		return err
	}
	ctrs, err := rt.ListContainers(c.ctx, filter)
	if err != nil {
		return fmt.Errorf("list containers: %w", err)
	}
	// --image matches by image ID, as crictl does: both sides resolved through the image service.
	var wantImage string
	imageIDs := map[string]string{}
	resolveImage := func(ref string) string {
		if v, ok := imageIDs[ref]; ok {
			return v
		}
		img, err := c.images()
		if err != nil {
			return ""
		}
		st, err := img.ImageStatus(c.ctx, &pb.ImageSpec{Image: ref}, false)
		id := ""
		if err == nil && st.GetImage() != nil {
			id = st.GetImage().GetId()
		}
		imageIDs[ref] = id
		return id
	}
	if p.String("image") != "" {
		wantImage = resolveImage(p.String("image"))
	}
	var out []*pb.Container
	for _, ctr := range ctrs {
		if p.String("image") != "" && (wantImage == "" || resolveImage(ctr.GetImage().GetImage()) != wantImage) {
			continue
		}
		if matches(nameRe, ctr.GetMetadata().GetName()) && matches(nsRe, fromLabels(ctr.GetLabels(), labelPodNamespace)) {
			out = append(out, ctr)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].GetCreatedAt() > out[j].GetCreatedAt() })
	out = out[:lastN(len(out), p.Bool("latest"), int(p.Int("last")))]
	if format != "table" && format != "" {
		return printProto(c.stdout, &pb.ListContainersResponse{Containers: out}, format, p.String("template"))
	}
	t := newTable(c.stdout)
	if !p.Bool("verbose") && !p.Bool("quiet") {
		t.row("CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD", "NAMESPACE")
	}
	now := time.Now()
	for _, ctr := range out {
		if p.Bool("quiet") {
			fmt.Fprintln(c.stdout, ctr.GetId())
			continue
		}
		if !p.Bool("verbose") {
			id, podID, image := ctr.GetId(), ctr.GetPodSandboxId(), ctr.GetImage().GetImage()
			if !p.Bool("no-trunc") {
				id, podID = truncateID(id, ""), truncateID(podID, "")
				if strings.HasPrefix(image, "sha256:") {
					image = truncateID(image, "sha256:")
				}
			}
			if p.Bool("resolve-image-path") {
				if img, err := c.images(); err == nil {
					if st, err := img.ImageStatus(c.ctx, ctr.GetImage(), false); err == nil && len(st.GetImage().GetRepoTags()) > 0 {
						image = st.GetImage().GetRepoTags()[0]
					}
				}
			}
			t.row(id, image, ago(ctr.GetCreatedAt(), now), containerState(ctr.GetState()), ctr.GetMetadata().GetName(),
				strconv.FormatUint(uint64(ctr.GetMetadata().GetAttempt()), 10), podID,
				fromLabels(ctr.GetLabels(), labelPodName), fromLabels(ctr.GetLabels(), labelPodNamespace))
			continue
		}
		fmt.Fprintf(c.stdout, "ID: %s\n", ctr.GetId())
		fmt.Fprintf(c.stdout, "PodID: %s\n", ctr.GetPodSandboxId())
		fmt.Fprintf(c.stdout, "Namespace: %s\n", fromLabels(ctr.GetLabels(), labelPodNamespace))
		if m := ctr.GetMetadata(); m != nil {
			if m.Name != "" {
				fmt.Fprintf(c.stdout, "Name: %s\n", m.Name)
			}
			fmt.Fprintf(c.stdout, "Attempt: %v\n", m.Attempt)
		}
		fmt.Fprintf(c.stdout, "State: %s\n", containerState(ctr.GetState()))
		if ctr.GetImage() != nil {
			fmt.Fprintf(c.stdout, "Image: %s\n", ctr.GetImage().GetImage())
		}
		fmt.Fprintf(c.stdout, "Created: %v\n", ago(ctr.GetCreatedAt(), now))
		printKV(c, "Labels", ctr.GetLabels())
		printKV(c, "Annotations", ctr.GetAnnotations())
		fmt.Fprintln(c.stdout)
	}
	t.flush()
	return nil
}

func printContainerStatusTable(c *session, s *pb.ContainerStatus) {
	fmt.Fprintf(c.stdout, "ID: %s\n", s.GetId())
	if m := s.GetMetadata(); m != nil {
		if m.Name != "" {
			fmt.Fprintf(c.stdout, "Name: %s\n", m.Name)
		}
		fmt.Fprintf(c.stdout, "Attempt: %v\n", m.Attempt)
	}
	fmt.Fprintf(c.stdout, "State: %s\n", s.GetState())
	fmt.Fprintf(c.stdout, "Created: %v\n", ago(s.GetCreatedAt(), time.Now()))
	if s.GetStartedAt() > 0 {
		fmt.Fprintf(c.stdout, "Started: %v\n", ago(s.GetStartedAt(), time.Now()))
	}
	if s.GetState() == pb.ContainerState_CONTAINER_EXITED {
		fmt.Fprintf(c.stdout, "Finished: %v\n", ago(s.GetFinishedAt(), time.Now()))
		fmt.Fprintf(c.stdout, "Exit Code: %v\n", s.GetExitCode())
	}
	printKV(c, "Labels", s.GetLabels())
	printKV(c, "Annotations", s.GetAnnotations())
}
