package main

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	pb "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// commands is every subcommand, in crictl's names.
func commands() []*command {
	var all []*command
	all = append(all, podCommands...)
	all = append(all, containerCommands...)
	all = append(all, imageCommands...)
	all = append(all, streamCommands...)
	all = append(all, miscCommands...)
	return all
}

var miscCommands = []*command{
	{
		name: "version", usage: "Display runtime version information",
		flags: []flagDef{outputFlag("", "json|yaml|go-template"), templateFlag},
		run: func(c *cli, p *parsed) error {
			rt, err := c.runtime()
			if err != nil {
				return err
			}
			v, err := rt.Version(c.ctx, "v1")
			if err != nil {
				return fmt.Errorf("get the runtime version: %w", err)
			}
			if f := p.String("output"); f != "" {
				return printProto(c.stdout, v, f, p.String("template"))
			}
			fmt.Fprintf(c.stdout, "Version:  %s\n", v.GetVersion())
			fmt.Fprintf(c.stdout, "RuntimeName:  %s\n", v.GetRuntimeName())
			fmt.Fprintf(c.stdout, "RuntimeVersion:  %s\n", v.GetRuntimeVersion())
			fmt.Fprintf(c.stdout, "RuntimeApiVersion:  %s\n", v.GetRuntimeApiVersion())
			fmt.Fprintf(c.stdout, "Client:  crictl %s, Runtime Lab's own CRI client (not cri-tools), built on k8s.io/cri-client (%s)\n", version, buildInfo)
			return nil
		},
	},
	{
		name: "info", usage: "Display information of the container runtime",
		flags: []flagDef{outputFlag("json", "json|yaml|go-template"), {name: "quiet", short: "q", kind: boolFlag, usage: "Do not show verbose information"}, templateFlag},
		run: func(c *cli, p *parsed) error {
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
		},
	},
	{
		name: "config", usage: "Get, set and list crictl configuration options", args: "[<crictl options>]",
		flags: []flagDef{
			{name: "get", kind: stringFlag, usage: "show the option value"},
			{name: "set", kind: sliceFlag, usage: "set option (can specify multiple or separate values with commas: opt1=val1,opt2=val2)"},
			{name: "list", kind: boolFlag, usage: "show all option value"},
		},
		run: configCommand,
	},
	{
		name: "completion", usage: "Output shell completion code", args: "SHELL (bash)",
		run: func(c *cli, p *parsed) error {
			shell := "bash"
			if len(p.args) > 0 {
				shell = p.args[0]
			}
			if shell != "bash" {
				return fmt.Errorf("only bash completion is supported by this crictl, not %q", shell)
			}
			fmt.Fprint(c.stdout, completionScript())
			return nil
		},
	},
	{
		name: "stats", usage: "List container(s) resource usage statistics", args: "[ID]",
		flags: []flagDef{
			{name: "all", short: "a", kind: boolFlag, usage: "Show all containers (default shows just running)"},
			{name: "id", kind: stringFlag, usage: "Filter by container id"},
			{name: "pod", short: "p", kind: stringFlag, usage: "Filter by pod id"},
			{name: "label", kind: sliceFlag, usage: "Filter by key=value label"},
			outputFlag("", "json|yaml|table"),
			templateFlag,
			{name: "seconds", short: "s", kind: intFlag, usage: "Sample duration for CPU usage in seconds", def: "1"},
			{name: "watch", short: "w", kind: boolFlag, usage: "Watch pod resources"},
		},
		run: containerStats,
	},
	{
		name: "statsp", usage: "List pod statistics. Stats represent a structured API that will fulfill the Kubelet's /stats/summary endpoint.", args: "[ID]",
		flags: []flagDef{
			{name: "label", kind: sliceFlag, usage: "Filter by key=value label"},
			{name: "id", kind: stringFlag, usage: "Filter by pod id"},
			outputFlag("", "json|yaml|table"),
			templateFlag,
			{name: "seconds", short: "s", kind: intFlag, usage: "Sample duration for CPU usage in seconds", def: "1"},
			{name: "watch", short: "w", kind: boolFlag, usage: "Watch pod resources"},
		},
		run: podStats,
	},
}

// completionScript is bashCompletion, bound at init (it lists the commands, this one included).
var completionScript func() string

func init() { completionScript = bashCompletion }

var configKeys = []string{"runtime-endpoint", "image-endpoint", "timeout", "debug", "pull-image-on-create", "disable-pull-on-run"}

func configCommand(c *cli, p *parsed) error {
	data, err := os.ReadFile(c.configPath)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	cfg, err := parseConfig(string(data))
	if err != nil {
		return fmt.Errorf("load config file: %w", err)
	}
	known := func(k string) error {
		for _, ck := range configKeys {
			if ck == k {
				return nil
			}
		}
		return fmt.Errorf("no configuration option named %s", k)
	}
	switch {
	case p.String("get") != "":
		k := p.String("get")
		if err := known(k); err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, configValue(cfg, k))
		return nil
	case p.Bool("list"):
		t := newTable(c.stdout)
		t.row("KEY", "VALUE")
		for _, k := range configKeys {
			t.row(k, configValue(cfg, k))
		}
		t.flush()
		return nil
	}
	var sets []string
	for _, s := range p.Slice("set") {
		sets = append(sets, strings.Split(s, ",")...)
	}
	if len(sets) == 0 {
		if len(p.args) != 2 {
			return usageError{}
		}
		sets = []string{p.args[0] + "=" + p.args[1]}
	}
	for _, s := range sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return fmt.Errorf("incorrectly specified option: %v", s)
		}
		if err := known(k); err != nil {
			return err
		}
		switch k {
		case "timeout":
			if _, err := parseTimeout(v); err != nil {
				return err
			}
		case "debug", "pull-image-on-create", "disable-pull-on-run":
			if v != "true" && v != "false" {
				return fmt.Errorf("%s takes true or false, not %q", k, v)
			}
		}
		cfg[k] = v
	}
	var b strings.Builder
	keys := make([]string, 0, len(cfg))
	for k := range cfg {
		keys = append(keys, k)
	}
	order := map[string]int{}
	for i, k := range configKeys {
		order[k] = i + 1
	}
	sort.SliceStable(keys, func(a, b int) bool {
		oa, ob := order[keys[a]], order[keys[b]]
		if oa == 0 || ob == 0 {
			return oa > ob || (oa == ob && keys[a] < keys[b])
		}
		return oa < ob
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\n", k, yamlScalarConfig(cfg[k]))
	}
	return os.WriteFile(c.configPath, []byte(b.String()), 0o644)
}

func configValue(cfg map[string]string, k string) string {
	v := cfg[k]
	if v == "" {
		switch k {
		case "timeout":
			return "2"
		case "debug", "pull-image-on-create", "disable-pull-on-run":
			return "false"
		}
	}
	return v
}

func yamlScalarConfig(v string) string {
	if v == "" {
		return `""`
	}
	if v == "true" || v == "false" {
		return v
	}
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return v
	}
	return yamlScalar(v)
}

func containerStats(c *cli, p *parsed) error {
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

func podStats(c *cli, p *parsed) error {
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
func watch(c *cli, p *parsed, once func() error) error {
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
func bashCompletion() string {
	var names []string
	var cases strings.Builder
	for _, cmd := range commands() {
		names = append(names, cmd.name)
		names = append(names, cmd.aliases...)
		var fl []string
		for _, f := range cmd.flags {
			fl = append(fl, "--"+f.name)
			if f.short != "" {
				fl = append(fl, "-"+f.short)
			}
		}
		fl = append(fl, "--help")
		ids := ""
		switch cmd.name {
		case "stopp", "rmp", "inspectp", "create", "statsp":
			ids = "$(crictl pods -q 2>/dev/null)"
		case "start", "stop", "rm", "inspect", "exec", "attach", "logs", "update", "stats":
			ids = "$(crictl ps -aq 2>/dev/null)"
		case "inspecti", "rmi":
			ids = "$(crictl images -q 2>/dev/null)"
		case "completion":
			ids = "bash"
		}
		pat := strings.Join(append([]string{cmd.name}, cmd.aliases...), "|")
		fmt.Fprintf(&cases, "\t%s)\n\t\tif [[ $cur == -* ]]; then COMPREPLY=($(compgen -W %q -- \"$cur\")); else COMPREPLY=($(compgen -W \"%s\" -f -- \"$cur\")); fi ;;\n", pat, strings.Join(fl, " "), ids)
	}
	names = append(names, "help")
	sort.Strings(names)
	var gl []string
	for _, f := range globalFlags {
		gl = append(gl, "--"+f.name)
	}
	return fmt.Sprintf(`# bash completion for crictl (Runtime Lab)
_crictl() {
	local cur cmd i
	cur="${COMP_WORDS[COMP_CWORD]}"
	cmd=""
	for ((i = 1; i < COMP_CWORD; i++)); do
		case "${COMP_WORDS[i]}" in
		-r|-i|-t|-c|--runtime-endpoint|--image-endpoint|--timeout|--config) ((i++)) ;;
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
`, strings.Join(append(names, gl...), " "), cases.String())
}
