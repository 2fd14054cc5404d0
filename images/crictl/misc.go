package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"
	pb "k8s.io/cri-api/pkg/apis/runtime/v1"
)

func miscCommands() []*cli.Command {
	return []*cli.Command{
		{
			Name:  "version",
			Usage: "Display runtime version information",
			// -o is the lab's: upstream's version prints only the text form.
			Flags: []cli.Flag{outputFlag("", "json|yaml|go-template"), templateFlag()},
			Action: action(func(c *session, p *parsed) error {
				if len(p.args) != 0 {
					return p.showHelp()
				}
				rt, err := c.runtime()
				if err != nil {
					return err
				}
				v, err := rt.Version(c.ctx, "v1")
				if err != nil {
					return fmt.Errorf("getting the runtime version: %w", err)
				}
				if f := p.String("output"); f != "" {
					return printProto(c.stdout, v, f, p.String("template"))
				}
				fmt.Fprintf(c.stdout, "Version:  %s\n", v.GetVersion())
				fmt.Fprintf(c.stdout, "RuntimeName:  %s\n", v.GetRuntimeName())
				fmt.Fprintf(c.stdout, "RuntimeVersion:  %s\n", v.GetRuntimeVersion())
				fmt.Fprintf(c.stdout, "RuntimeApiVersion:  %s\n", v.GetRuntimeApiVersion())
				fmt.Fprintf(c.stdout, "Client:  crictl %s, Runtime Lab's own CRI client (not cri-tools), built on k8s.io/cri-client and urfave/cli (%s)\n", version, buildInfo)
				return nil
			}),
		},
		{
			Name:                   "info",
			Usage:                  "Display information of the container runtime",
			UseShortOptionHandling: true,
			Flags:                  []cli.Flag{outputFlag("json", "json|yaml|go-template"), quietStatusFlag(), templateFlag()},
			Action: action(func(c *session, p *parsed) error {
				if len(p.args) != 0 {
					return p.showHelp()
				}
				format := p.String("output")
				if err := checkFormat(format, false); err != nil {
					return err
				}
				rt, err := c.runtime()
				if err != nil {
					return err
				}
				r, err := rt.Status(c.ctx, !p.Bool("quiet"))
				if err != nil {
					return fmt.Errorf("get status from runtime service: %w", err)
				}
				st, err := protoJSON(r.GetStatus())
				if err != nil {
					return err
				}
				var hs []string
				for _, h := range r.GetRuntimeHandlers() {
					js, err := protoJSON(h)
					if err != nil {
						return err
					}
					hs = append(hs, js)
				}
				handlers := "[" + strings.Join(hs, ",") + "]"
				features := ""
				if r.GetFeatures() != nil {
					if features, err = protoJSON(r.GetFeatures()); err != nil {
						return err
					}
				}
				return outputStatus(c.stdout, []statusEntry{{status: st, handlers: handlers, features: features, info: r.GetInfo()}}, format, p.String("template"))
			}),
		},
		{
			Name:                   "runtime-config",
			Usage:                  "Retrieve the container runtime configuration",
			UseShortOptionHandling: true,
			Action: action(func(c *session, p *parsed) error {
				rt, err := c.runtime()
				if err != nil {
					return fmt.Errorf("get runtime client: %w", err)
				}
				r, err := rt.RuntimeConfig(c.ctx)
				if err != nil {
					return fmt.Errorf("get runtime config: call RuntimeConfig RPC: %w", err)
				}
				t := &table{tabwriter.NewWriter(c.stdout, 10, 1, 3, ' ', 0)}
				if r.GetLinux() != nil {
					t.row("cgroup driver:", r.GetLinux().GetCgroupDriver().String())
				}
				t.flush()
				return nil
			}),
		},
		{
			Name:  "config",
			Usage: "Get, set and list crictl configuration options",
			ArgsUsage: `[<crictl options>]

EXAMPLES:
   # Set the key "debug" to "true"
   crictl config --set debug=true

   # Set the key "debug" to "true"
   crictl config debug true

   # Get the value of "debug"
   crictl config --get debug

   # Show the full configuration
   crictl config --list

CRICTL OPTIONS:
	 runtime-endpoint:	Container Runtime Interface (CRI) runtime endpoint (default: "")
	 image-endpoint:	Container Runtime Interface (CRI) image endpoint (default: "")
	 timeout:	Timeout of connecting to server (default: 2)
	 debug:	Enable debug output (default: false)
	 pull-image-on-create:	Enable pulling image on create requests (default: false)
	 disable-pull-on-run:	Disable pulling image on run requests (default: false)
	 max-retries:	Max retries for connecting to an explicitly set endpoint (default: 3, 0 to disable, negative for infinite; read but not used by this crictl)`,
			UseShortOptionHandling: true,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "get", Usage: "Show the option value"},
				&cli.StringSliceFlag{Name: "set", Usage: "Set option (can specify multiple or separate values with commas: opt1=val1,opt2=val2)"},
				&cli.BoolFlag{Name: "list", Usage: "Show all option value"},
			},
			Action: action(configCommand),
		},
		{
			Name:      "completion",
			Usage:     "Output shell completion code",
			ArgsUsage: "SHELL",
			Description: `Output shell completion code for bash (this crictl has no zsh or fish completion).
Examples:
    # Installing bash completion on Linux
    source <(crictl completion bash)
	`,
			Action: action(func(c *session, p *parsed) error {
				if len(p.args) > 1 {
					return p.showHelp()
				}
				if len(p.args) == 1 && p.args[0] != "bash" {
					return fmt.Errorf("only bash completion is supported by this crictl, not %q", p.args[0])
				}
				fmt.Fprint(c.stdout, bashCompletion(p.ctx.App))
				return nil
			}),
		},
		{
			Name:                   "stats",
			Usage:                  "List container(s) resource usage statistics",
			UseShortOptionHandling: true,
			ArgsUsage:              "[ID]",
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "Show all containers (default shows just running)"},
				&cli.StringFlag{Name: "id", Usage: "Filter by container id"},
				&cli.StringFlag{Name: "pod", Aliases: []string{"p"}, Usage: "Filter by pod id"},
				&cli.StringSliceFlag{Name: "label", Usage: "Filter by key=value label"},
				outputFlag("", "json|yaml|table"),
				&cli.IntFlag{Name: "seconds", Aliases: []string{"s"}, Value: 1, Usage: "Sample duration for CPU usage in seconds"},
				&cli.BoolFlag{Name: "watch", Aliases: []string{"w"}, Usage: "Watch pod resources"},
				templateFlag(),
			},
			Action: action(containerStats),
		},
		{
			Name:                   "statsp",
			Usage:                  "List pod statistics. Stats represent a structured API that will fulfill the Kubelet's /stats/summary endpoint.",
			UseShortOptionHandling: true,
			ArgsUsage:              "[ID]",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "id", Usage: "Filter by pod id"},
				&cli.StringSliceFlag{Name: "label", Usage: "Filter by key=value label"},
				outputFlag("", "json|yaml|table"),
				&cli.IntFlag{Name: "seconds", Aliases: []string{"s"}, Value: 1, Usage: "Sample duration for CPU usage in seconds"},
				&cli.BoolFlag{Name: "watch", Aliases: []string{"w"}, Usage: "Watch pod resources"},
				templateFlag(),
			},
			Action: action(podStats),
		},
	}
}

// configCommand is upstream's `crictl config`: the file is created when missing, --get prints an
// option, --set and the positional form write the whole file back, --list shows them all.
func configCommand(c *session, p *parsed) error {
	if _, err := os.Stat(c.configPath); err != nil {
		if err := writeConfigFile(&fileConfig{}, c.configPath); err != nil {
			return err
		}
	}
	cfg, err := readConfigFile(c.configPath)
	if err != nil {
		return fmt.Errorf("load config file: %w", err)
	}
	switch {
	case p.IsSet("get"):
		v, err := cfg.get(p.String("get"))
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, v)
		return nil
	case p.IsSet("set"):
		for _, setting := range p.Slice("set") {
			for _, option := range strings.Split(setting, ",") {
				pair := strings.Split(option, "=")
				if len(pair) != 2 {
					return fmt.Errorf("incorrectly specified option: %v", setting)
				}
				if err := cfg.setChecked(pair[0], pair[1]); err != nil {
					return err
				}
			}
		}
		return writeConfigFile(cfg, c.configPath)
	case p.Bool("list"):
		t := newTable(c.stdout)
		t.row("KEY", "VALUE")
		for _, name := range configOptions {
			v, _ := cfg.get(name)
			t.row(name, v)
		}
		t.flush()
		return nil
	}
	if len(p.args) == 0 || p.args[0] == "" {
		return p.showHelp()
	}
	key, value := p.args[0], ""
	if len(p.args) > 1 {
		value = p.args[1]
	}
	c.log.infof("No --get, --set or --list provided, setting key %q to value %q", key, value)
	if err := cfg.setChecked(key, value); err != nil {
		return fmt.Errorf("set %q to %q: %w", key, value, err)
	}
	return writeConfigFile(cfg, c.configPath)
}

func containerStats(c *session, p *parsed) error {
	format := p.String("output")
	if err := checkFormat(format, true); err != nil {
		return err
	}
	rt, err := c.runtime()
	if err != nil {
		return err
	}
	filter := &pb.ContainerStatsFilter{}
	id := p.String("id")
	if id == "" && len(p.args) > 0 {
		id = p.args[0]
	}
	if id != "" {
		if filter.Id, err = c.containerID(id); err != nil {
			return err
		}
	}
	if pod := p.String("pod"); pod != "" {
		if filter.PodSandboxId, err = c.podID(pod); err != nil {
			return err
		}
	}
	if filter.LabelSelector, err = parseLabels(p.Slice("label")); err != nil {
		return err
	}
	once := func() error {
		first, err := rt.ListContainerStats(c.ctx, filter)
		if err != nil {
			return fmt.Errorf("list container stats: %w", err)
		}
		if format != "" && format != "table" {
			return printProto(c.stdout, &pb.ListContainerStatsResponse{Stats: first}, format, p.String("template"))
		}
		sampleInterval(p)
		second, err := rt.ListContainerStats(c.ctx, filter)
		if err != nil {
			return fmt.Errorf("list container stats: %w", err)
		}
		prev := map[string]*pb.ContainerStats{}
		for _, s := range first {
			prev[s.GetAttributes().GetId()] = s
		}
		running := map[string]bool{}
		if !p.Bool("all") {
			ctrs, err := rt.ListContainers(c.ctx, &pb.ContainerFilter{State: &pb.ContainerStateValue{State: pb.ContainerState_CONTAINER_RUNNING}})
			if err == nil {
				for _, ctr := range ctrs {
					running[ctr.GetId()] = true
				}
			}
		}
		t := newTable(c.stdout)
		t.row("CONTAINER", "NAME", "CPU %", "MEM", "DISK", "INODES", "SWAP")
		for _, s := range second {
			cid := s.GetAttributes().GetId()
			if !p.Bool("all") && !running[cid] {
				continue
			}
			cpu := cpuPercent(prev[cid].GetCpu(), s.GetCpu())
			t.row(truncateID(cid, ""), s.GetAttributes().GetMetadata().GetName(), fmt.Sprintf("%.2f", cpu),
				humanSize(float64(s.GetMemory().GetWorkingSetBytes().GetValue())), humanSize(float64(s.GetWritableLayer().GetUsedBytes().GetValue())),
				fmt.Sprint(s.GetWritableLayer().GetInodesUsed().GetValue()), humanSize(float64(s.GetSwap().GetSwapUsageBytes().GetValue())))
		}
		t.flush()
		return nil
	}
	return watch(c, p, once)
}

func podStats(c *session, p *parsed) error {
	format := p.String("output")
	if err := checkFormat(format, true); err != nil {
		return err
	}
	rt, err := c.runtime()
	if err != nil {
		return err
	}
	filter := &pb.PodSandboxStatsFilter{}
	id := p.String("id")
	if id == "" && len(p.args) > 0 {
		id = p.args[0]
	}
	if id != "" {
		if filter.Id, err = c.podID(id); err != nil {
			return err
		}
	}
	if filter.LabelSelector, err = parseLabels(p.Slice("label")); err != nil {
		return err
	}
	once := func() error {
		first, err := rt.ListPodSandboxStats(c.ctx, filter)
		if err != nil {
			return fmt.Errorf("list pod sandbox stats: %w", err)
		}
		if format != "" && format != "table" {
			return printProto(c.stdout, &pb.ListPodSandboxStatsResponse{Stats: first}, format, p.String("template"))
		}
		sampleInterval(p)
		second, err := rt.ListPodSandboxStats(c.ctx, filter)
		if err != nil {
			return fmt.Errorf("list pod sandbox stats: %w", err)
		}
		prev := map[string]*pb.PodSandboxStats{}
		for _, s := range first {
			prev[s.GetAttributes().GetId()] = s
		}
		t := newTable(c.stdout)
		t.row("POD", "POD ID", "CPU %", "MEM")
		for _, s := range second {
			pid := s.GetAttributes().GetId()
			l := s.GetLinux()
			cpu := cpuPercent(prev[pid].GetLinux().GetCpu(), l.GetCpu())
			t.row(s.GetAttributes().GetMetadata().GetName(), truncateID(pid, ""), fmt.Sprintf("%.2f", cpu),
				humanSize(float64(l.GetMemory().GetWorkingSetBytes().GetValue())))
		}
		t.flush()
		return nil
	}
	return watch(c, p, once)
}

// sampleInterval waits between the two samples a CPU percentage is computed from (--seconds).
func sampleInterval(p *parsed) {
	secs := p.Int("seconds")
	if secs <= 0 {
		secs = 1
	}
	time.Sleep(time.Duration(secs) * time.Second)
}

// cpuPercent is the CPU use between two samples, in percent of one core.
func cpuPercent(before, after *pb.CpuUsage) float64 {
	if before == nil || after == nil {
		return 0
	}
	dt := after.GetTimestamp() - before.GetTimestamp()
	if dt <= 0 {
		return 0
	}
	return float64(after.GetUsageCoreNanoSeconds().GetValue()-before.GetUsageCoreNanoSeconds().GetValue()) / float64(dt) * 100
}

// watch prints once, or with --watch clears the screen and prints again until an error.
func watch(c *session, p *parsed, once func() error) error {
	if !p.Bool("watch") {
		return once()
	}
	for {
		fmt.Fprint(c.stdout, "\033[2J\033[H")
		if err := once(); err != nil {
			return err
		}
	}
}

// bashCompletion completes commands, their flags, and pod/container/image IDs from the runtime.
func bashCompletion(app *cli.App) string {
	var names []string
	var cases strings.Builder
	for _, cmd := range app.Commands {
		names = append(names, cmd.Names()...)
		var fl []string
		for _, f := range cmd.Flags {
			for _, n := range f.Names() {
				fl = append(fl, flagSpelling(n))
			}
		}
		fl = append(fl, "--help")
		ids := ""
		switch cmd.Name {
		case "stopp", "rmp", "inspectp", "create", "statsp":
			ids = "$(crictl pods -q 2>/dev/null)"
		case "start", "stop", "rm", "inspect", "exec", "attach", "logs", "update", "stats":
			ids = "$(crictl ps -aq 2>/dev/null)"
		case "inspecti", "rmi":
			ids = "$(crictl images -q 2>/dev/null)"
		case "completion":
			ids = "bash"
		}
		fmt.Fprintf(&cases, "\t%s)\n\t\tif [[ $cur == -* ]]; then COMPREPLY=($(compgen -W %q -- \"$cur\")); else COMPREPLY=($(compgen -W \"%s\" -f -- \"$cur\")); fi ;;\n",
			strings.Join(cmd.Names(), "|"), strings.Join(fl, " "), ids)
	}
	names = append(names, "help")
	sort.Strings(names)
	var global, valued []string
	for _, f := range app.Flags {
		for _, n := range f.Names() {
			global = append(global, flagSpelling(n))
			if df, ok := f.(cli.DocGenerationFlag); ok && df.TakesValue() {
				valued = append(valued, flagSpelling(n))
			}
		}
	}
	return fmt.Sprintf(`# bash completion for crictl (Runtime Lab)
_crictl() {
	local cur cmd i
	cur="${COMP_WORDS[COMP_CWORD]}"
	cmd=""
	for ((i = 1; i < COMP_CWORD; i++)); do
		case "${COMP_WORDS[i]}" in
		%s) ((i++)) ;;
		-*) ;;
		*) cmd="${COMP_WORDS[i]}"; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W %q -- "$cur"))
		return
	fi
	case "$cmd" in
%s	*) COMPREPLY=() ;;
	esac
}
complete -F _crictl crictl
`, strings.Join(valued, "|"), strings.Join(append(names, global...), " "), cases.String())
}

// flagSpelling is how a flag name is typed: one dash for one letter, two for a word.
func flagSpelling(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}
