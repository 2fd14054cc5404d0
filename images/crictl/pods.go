package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	pb "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// loadJSONOrYAML reads a config file (JSON or YAML) into a CRI message, as crictl does.
func loadJSONOrYAML(path string, into any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("config at %s not found", path)
		}
		return err
	}
	js, err := yamlToJSON(data)
	if err != nil {
		return err
	}
	return json.Unmarshal(js, into)
}

// loadPodConfig reads a pod config as upstream does, with upstream's checks and warning.
func (c *session) loadPodConfig(path string) (*pb.PodSandboxConfig, error) {
	var cfg pb.PodSandboxConfig
	if err := loadJSONOrYAML(path, &cfg); err != nil {
		return nil, err
	}
	if cfg.GetMetadata() == nil {
		return nil, errors.New("metadata is not set")
	}
	if cfg.Metadata.Uid == "" {
		cfg.Metadata.Uid = newUID()
	}
	if cfg.Metadata.Name == "" || cfg.Metadata.Namespace == "" {
		return nil, fmt.Errorf("name or namespace is not in metadata %q", cfg.GetMetadata())
	}
	if cfg.GetLinux() != nil && cfg.GetLinux().GetCgroupParent() == "" {
		c.log.warnf("cgroup_parent is not set. Use `runtime-config` to get the runtime cgroup driver")
	}
	return &cfg, nil
}

func loadContainerConfig(path string) (*pb.ContainerConfig, error) {
	var cfg pb.ContainerConfig
	if err := loadJSONOrYAML(path, &cfg); err != nil {
		return nil, err
	}
	if cfg.GetMetadata() == nil {
		return nil, errors.New("metadata is not set")
	}
	if cfg.Metadata.Name == "" {
		return nil, fmt.Errorf("name is not in metadata %q", cfg.GetMetadata())
	}
	if cfg.GetImage() == nil {
		return nil, errors.New("image is not set")
	}
	if cfg.GetImage().GetImage() == "" {
		return nil, fmt.Errorf("image field is not set in image %q", cfg.GetImage())
	}
	return &cfg, nil
}

// podConfig loads a pod config for the runtime; pod is the existing sandbox's ID when the config
// only describes it (create), "" when it makes a new one (runp, run). A config that names no cgroup
// parent gets the pod's own: the existing sandbox's, or, under the systemd cgroup driver, a new
// slice as kubelet gives every pod. runc then needs a "slice:prefix:name" cgroups path, which
// containerd derives only from a parent ending in ".slice", and containerd's pod stats read the
// parent as a cgroup path. The Kubernetes crictl walkthrough's `"linux": {}` sets none. Upstream
// crictl sends such a config as it is, and the runtime fails: a warning says this crictl did not.
func (c *session) podConfig(path, pod string) (*pb.PodSandboxConfig, error) {
	cfg, err := c.loadPodConfig(path)
	if err != nil {
		return nil, fmt.Errorf("load podSandboxConfig: %w", err)
	}
	if _, err := c.runtime(); err != nil {
		return nil, err
	}
	if cfg.GetLinux().GetCgroupParent() != "" {
		return cfg, nil
	}
	parent, why := "", ""
	if pod != "" {
		// Recomputing would not do: a config without a UID gets a new random one on every load.
		parent, why = c.sandboxCgroupParent(pod), "the pod's own"
	} else if r, err := c.rt.RuntimeConfig(c.ctx); err == nil && r.GetLinux().GetCgroupDriver() == pb.CgroupDriver_SYSTEMD {
		parent, why = podSlice(cfg.GetMetadata().GetUid()), "a slice of the pod's own, as the runtime uses the systemd cgroup driver"
	}
	if parent != "" {
		if cfg.Linux == nil {
			cfg.Linux = &pb.LinuxPodSandboxConfig{}
		}
		cfg.Linux.CgroupParent = parent
		c.log.warnf("linux.cgroup_parent is not set in %s: Runtime Lab's crictl sets it to %s (%s). "+
			"Upstream crictl sends the config as it is, and the runtime then fails: set cgroup_parent yourself, as kubelet does", path, parent, why)
	}
	return cfg, nil
}

// sandboxCgroupParent is the cgroup parent a sandbox was created with, from containerd's verbose
// status ("" when it cannot tell).
func (c *session) sandboxCgroupParent(pod string) string {
	r, err := c.rt.PodSandboxStatus(c.ctx, pod, true)
	if err != nil {
		return ""
	}
	var info struct {
		Config struct {
			Linux struct {
				CgroupParent string `json:"cgroup_parent"`
			} `json:"linux"`
		} `json:"config"`
	}
	if json.Unmarshal([]byte(r.GetInfo()["info"]), &info) != nil {
		return ""
	}
	return info.Config.Linux.CgroupParent
}

// podSlice is the pod's systemd slice as a cgroup path, like kubelet's
// /kubepods.slice/kubepods-pod<uid>.slice: a dash in a slice name nests it, so the UID's become "_".
func podSlice(uid string) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, uid)
	return "/crictl.slice/crictl-pod" + name + ".slice"
}

// newUID makes a random RFC 4122 version 4 UUID.
func newUID() string {
	b := make([]byte, 16)
	f, err := os.Open("/dev/urandom")
	if err == nil {
		f.Read(b)
		f.Close()
	} else {
		n := time.Now().UnixNano()
		for i := range b {
			b[i] = byte(n >> (8 * (i % 8)))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func parseLabels(ss []string) (map[string]string, error) {
	labels := map[string]string{}
	for _, s := range ss {
		k, v, ok := strings.Cut(s, "=")
		if !ok || strings.Contains(v, "=") {
			return nil, fmt.Errorf("incorrectly specified label: %v", s)
		}
		labels[k] = v
	}
	return labels, nil
}

func compileRegex(s string) (*regexp.Regexp, error) {
	if s == "" {
		return nil, nil
	}
	re, err := regexp.Compile(s)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression %q: %w", s, err)
	}
	return re, nil
}

func matches(re *regexp.Regexp, s string) bool { return re == nil || re.MatchString(s) }

func podState(s pb.PodSandboxState) string {
	if s == pb.PodSandboxState_SANDBOX_READY {
		return "Ready"
	}
	return "NotReady"
}

func handlerName(h string) string {
	if h == "" {
		return "(default)"
	}
	return h
}

func podCommands() []*cli.Command {
	return []*cli.Command{
		{
			Name:      "runp",
			Usage:     "Run a new pod",
			ArgsUsage: "pod-config.[json|yaml]",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "runtime", Aliases: []string{"r"}, Usage: "Runtime handler to use. Available options are defined by the container runtime."},
				&cli.DurationFlag{Name: "cancel-timeout", Aliases: []string{"T"}, Usage: "Seconds to wait for a run pod sandbox request to complete before cancelling the request"},
			},
			Action: action(func(c *session, p *parsed) error {
				if len(p.args) != 1 || p.args[0] == "" {
					return p.showHelp()
				}
				cfg, err := c.podConfig(p.args[0], "")
				if err != nil {
					return err
				}
				ctx, cancel := c.requestContext(p.Duration("cancel-timeout"))
				defer cancel()
				id, err := c.rt.RunPodSandbox(ctx, cfg, p.String("runtime"))
				if err != nil {
					return fmt.Errorf("run pod sandbox: %w", err)
				}
				fmt.Fprintln(c.stdout, id)
				return nil
			}),
		},
		{
			Name:      "stopp",
			Usage:     "Stop one or more running pods",
			ArgsUsage: "POD-ID [POD-ID...]",
			Action: action(func(c *session, p *parsed) error {
				if len(p.args) == 0 {
					return p.showHelp()
				}
				rt, err := c.runtime()
				if err != nil {
					return err
				}
				for _, a := range p.args {
					id, err := c.podID(a)
					if err != nil {
						return err
					}
					// The CRI makes stopping an unknown pod a success; a learner's typo should not be one.
					if _, err := rt.PodSandboxStatus(c.ctx, id, false); err != nil {
						return fmt.Errorf("stopping the pod sandbox %q: %w", a, err)
					}
					if err := rt.StopPodSandbox(c.ctx, id); err != nil {
						return fmt.Errorf("stopping the pod sandbox %q: %w", a, err)
					}
					fmt.Fprintf(c.stdout, "Stopped sandbox %s\n", id)
				}
				return nil
			}),
		},
		removeCommand(removeSpec{
			name: "rmp", usage: "Remove one or more pods", args: "POD-ID [POD-ID...]",
			what: "pod sandbox", plural: "pods",
			all: func(c *session) ([]string, error) {
				pods, err := c.rt.ListPodSandbox(c.ctx, nil)
				if err != nil {
					return nil, fmt.Errorf("list pod sandboxes: %w", err)
				}
				ids := make([]string, 0, len(pods))
				for _, pod := range pods {
					ids = append(ids, pod.GetId())
				}
				return ids, nil
			},
			resolve: (*session).podID,
			running: func(c *session, id string) (bool, error) {
				st, err := c.rt.PodSandboxStatus(c.ctx, id, false)
				return st.GetStatus().GetState() == pb.PodSandboxState_SANDBOX_READY, err
			},
			stop:    func(c *session, id string) error { return c.rt.StopPodSandbox(c.ctx, id) },
			remove:  func(c *session, id string) error { return c.rt.RemovePodSandbox(c.ctx, id) },
			removed: func(id string) string { return "Removed sandbox " + id },
		}),
		statusCommand(&cli.Command{Name: "inspectp", Usage: "Display the status of one or more pods", ArgsUsage: "POD-ID [POD-ID...]"},
			func(c *session, arg string, verbose bool) (*statusResult, error) {
				id, err := c.podID(arg)
				if err != nil {
					return nil, err
				}
				r, err := c.rt.PodSandboxStatus(c.ctx, id, verbose)
				if err != nil {
					return nil, fmt.Errorf("getting the pod sandbox status for %q: %w", arg, err)
				}
				return &statusResult{status: r.GetStatus(), info: r.GetInfo(), table: func() { printPodStatusTable(c, r.GetStatus()) }}, nil
			}, runtimeService),
		{
			Name:                   "pods",
			Usage:                  "List pods",
			UseShortOptionHandling: true,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "id", Usage: "filter by pod id"},
				&cli.StringFlag{Name: "name", Usage: "Filter by pod name regular expression pattern"},
				&cli.StringFlag{Name: "namespace", Usage: "Filter by pod namespace regular expression pattern"},
				&cli.StringFlag{Name: "state", Aliases: []string{"s"}, Usage: "Filter by pod state"},
				&cli.StringSliceFlag{Name: "label", Usage: "Filter by key=value label"},
				&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "Show verbose info for pods"},
				&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "List only pod IDs"},
				outputFlag("table", "json|yaml|table"),
				&cli.BoolFlag{Name: "latest", Aliases: []string{"l"}, Usage: "Show the most recently created pod"},
				&cli.IntFlag{Name: "last", Aliases: []string{"n"}, Usage: "Show last n recently created pods. Set 0 for unlimited"},
				&cli.BoolFlag{Name: "no-trunc", Usage: "Show output without truncating the ID"},
				templateFlag(),
			},
			Action: action(listPods),
		},
	}
}

func listPods(c *session, p *parsed) error {
	format := p.String("output")
	if err := checkFormat(format, true); err != nil {
		return err
	}
	filter := &pb.PodSandboxFilter{Id: p.String("id")}
	if id := p.String("id"); id != "" {
		full, err := c.podID(id)
		if err != nil {
			return err
		}
		filter.Id = full
	}
	switch strings.ToLower(p.String("state")) {
	case "":
	case "ready":
		filter.State = &pb.PodSandboxStateValue{State: pb.PodSandboxState_SANDBOX_READY}
	case "notready":
		filter.State = &pb.PodSandboxStateValue{State: pb.PodSandboxState_SANDBOX_NOTREADY}
	default:
		return errors.New("--state should be ready or notready")
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
	rt, err := c.runtime()
	if err != nil {
		return err
	}
	pods, err := rt.ListPodSandbox(c.ctx, filter)
	if err != nil {
		return fmt.Errorf("list pod sandbox: %w", err)
	}
	var out []*pb.PodSandbox
	for _, pod := range pods {
		if matches(nameRe, pod.GetMetadata().GetName()) && matches(nsRe, pod.GetMetadata().GetNamespace()) {
			out = append(out, pod)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].GetCreatedAt() > out[j].GetCreatedAt() })
	out = out[:lastN(len(out), p.Bool("latest"), int(p.Int("last")))]
	if format != "table" && format != "" {
		return printProto(c.stdout, &pb.ListPodSandboxResponse{Items: out}, format, p.String("template"))
	}
	t := newTable(c.stdout)
	if !p.Bool("verbose") && !p.Bool("quiet") {
		t.row("POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME")
	}
	now := time.Now()
	for _, pod := range out {
		if p.Bool("quiet") {
			fmt.Fprintln(c.stdout, pod.GetId())
			continue
		}
		if !p.Bool("verbose") {
			id := pod.GetId()
			if !p.Bool("no-trunc") {
				id = truncateID(id, "")
			}
			t.row(id, ago(pod.GetCreatedAt(), now), podState(pod.GetState()), pod.GetMetadata().GetName(),
				pod.GetMetadata().GetNamespace(), strconv.FormatUint(uint64(pod.GetMetadata().GetAttempt()), 10), handlerName(pod.GetRuntimeHandler()))
			continue
		}
		fmt.Fprintf(c.stdout, "ID: %s\n", pod.GetId())
		if m := pod.GetMetadata(); m != nil {
			if m.Name != "" {
				fmt.Fprintf(c.stdout, "Name: %s\n", m.Name)
			}
			if m.Uid != "" {
				fmt.Fprintf(c.stdout, "UID: %s\n", m.Uid)
			}
			if m.Namespace != "" {
				fmt.Fprintf(c.stdout, "Namespace: %s\n", m.Namespace)
			}
			if m.Attempt != 0 {
				fmt.Fprintf(c.stdout, "Attempt: %v\n", m.Attempt)
			}
		}
		fmt.Fprintf(c.stdout, "Status: %s\n", podState(pod.GetState()))
		fmt.Fprintf(c.stdout, "Created: %v\n", time.Unix(0, pod.GetCreatedAt()))
		printKV(c, "Labels", pod.GetLabels())
		printKV(c, "Annotations", pod.GetAnnotations())
		fmt.Fprintf(c.stdout, "%s: %s\n", "RuntimeHandler", pod.GetRuntimeHandler())
		fmt.Fprintln(c.stdout)
	}
	t.flush()
	return nil
}

func printKV(c *session, title string, m map[string]string) {
	if m == nil {
		return
	}
	fmt.Fprintf(c.stdout, "%s:\n", title)
	for _, k := range sortedKeys(m) {
		fmt.Fprintf(c.stdout, "\t%s -> %s\n", k, m[k])
	}
}

func printPodStatusTable(c *session, s *pb.PodSandboxStatus) {
	fmt.Fprintf(c.stdout, "ID: %s\n", s.GetId())
	if m := s.GetMetadata(); m != nil {
		if m.Name != "" {
			fmt.Fprintf(c.stdout, "Name: %s\n", m.Name)
		}
		if m.Uid != "" {
			fmt.Fprintf(c.stdout, "UID: %s\n", m.Uid)
		}
		if m.Namespace != "" {
			fmt.Fprintf(c.stdout, "Namespace: %s\n", m.Namespace)
		}
		fmt.Fprintf(c.stdout, "Attempt: %v\n", m.Attempt)
	}
	fmt.Fprintf(c.stdout, "Status: %s\n", s.GetState())
	fmt.Fprintf(c.stdout, "Created: %v\n", time.Unix(0, s.GetCreatedAt()))
	if n := s.GetNetwork(); n != nil {
		fmt.Fprintf(c.stdout, "IP Addresses: %v\n", n.GetIp())
		for _, ip := range n.GetAdditionalIps() {
			fmt.Fprintf(c.stdout, "Additional IP: %v\n", ip.GetIp())
		}
	}
	printKV(c, "Labels", s.GetLabels())
	printKV(c, "Annotations", s.GetAnnotations())
}

// lastN is how many of n items --latest / --last keep.
func lastN(n int, latest bool, last int) int {
	if latest && n > 1 {
		return 1
	}
	if last > 0 && last < n {
		return last
	}
	return n
}

// statusEntry is one answer of a status call: its status as JSON and the runtime's info map.
type statusEntry struct {
	status   string
	handlers string
	features string
	info     map[string]string
}

// outputStatus prints inspect-style answers as crictl does: {"info": ..., "status": ...}, a single
// object for one ID, an array for several; info values that are JSON objects are embedded.
func outputStatus(out interface{ Write([]byte) (int, error) }, entries []statusEntry, format, tmpl string) error {
	if len(entries) == 0 {
		return nil
	}
	var result []map[string]any
	for _, e := range entries {
		m := map[string]any{}
		if e.status != "" {
			var v any
			if err := json.Unmarshal([]byte(e.status), &v); err != nil {
				return err
			}
			m["status"] = v
		}
		if e.handlers != "" {
			var v any
			if err := json.Unmarshal([]byte(e.handlers), &v); err == nil && v != nil {
				m["runtimeHandlers"] = v
			}
		}
		if e.features != "" {
			var v any
			if err := json.Unmarshal([]byte(e.features), &v); err == nil && v != nil {
				m["features"] = v
			}
		}
		for k, val := range e.info {
			if strings.HasPrefix(val, "{") || strings.HasPrefix(val, "[") {
				var v any
				if err := json.Unmarshal([]byte(val), &v); err != nil {
					return fmt.Errorf("unmarshal status info JSON: %w", err)
				}
				m[k] = v
			} else {
				m[k] = strings.Trim(val, `"`)
			}
		}
		result = append(result, m)
	}
	var js []byte
	var err error
	if len(result) == 1 {
		js, err = json.Marshal(result[0])
	} else {
		js, err = json.Marshal(result)
	}
	if err != nil {
		return err
	}
	return printJSONText(out, string(js), format, tmpl)
}
