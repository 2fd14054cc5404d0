// crictl for Runtime Lab: a CRI command-line client for containerd with the commands, flags and
// output of Kubernetes' crictl (cri-tools), written for the lab on top of the official CRI client
// libraries Debian packages (k8s.io/cri-api, k8s.io/cri-client). It is not upstream cri-tools.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"golang.org/x/sys/unix"
	internalapi "k8s.io/cri-api/pkg/apis"
	remote "k8s.io/cri-client/pkg"
	"k8s.io/klog/v2"
)

// Set at build time (images/builder/crictl.ts).
var (
	version   = "dev"
	buildInfo = ""
)

const defaultConfigPath = "/etc/crictl.yaml"
const defaultEndpoint = "unix:///run/containerd/containerd.sock"

// command is one crictl subcommand.
type command struct {
	name    string
	aliases []string
	usage   string
	args    string
	flags   []flagDef
	// noClient: the command does not talk to the runtime (config, completion).
	run func(c *cli, p *parsed) error
}

// cli carries the global settings and the connections of one invocation.
type cli struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	configPath     string
	runtimeEP      string
	imageEP        string
	timeout        time.Duration
	debug          bool
	pullOnCreate   bool
	disablePullRun bool
	cmd            *command
	rt             internalapi.RuntimeService
	img            internalapi.ImageManagerService
	ctx            context.Context
}

var globalFlags = []flagDef{
	{name: "config", short: "c", kind: stringFlag, usage: "Location of the client config file. If not specified and the default does not exist, the program's directory is searched as well", def: defaultConfigPath},
	{name: "debug", short: "D", kind: boolFlag, usage: "Enable debug mode"},
	{name: "image-endpoint", short: "i", kind: stringFlag, usage: "Endpoint of CRI image manager service (default: uses 'runtime-endpoint' setting) [$IMAGE_SERVICE_ENDPOINT]"},
	{name: "runtime-endpoint", short: "r", kind: stringFlag, usage: "Endpoint of CRI container runtime service (default: uses in order the first successful one of [unix:///run/containerd/containerd.sock]). Default is now deprecated and the endpoint should be set instead. [$CONTAINER_RUNTIME_ENDPOINT]"},
	{name: "timeout", short: "t", kind: stringFlag, usage: "Timeout of connecting to the server in seconds (e.g. 2s, 20s.). 0 or less is set to default", def: "2s"},
	{name: "version", short: "v", kind: boolFlag, usage: "print the version"},
}

// usageError is an error after which the command's help is worth showing.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// exitError carries a status without a message (exec's exit code, for instance).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	c := &cli{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, ctx: context.Background()}
	os.Exit(c.main(os.Args[1:]))
}

// main runs one command line and returns the exit status.
func (c *cli) main(argv []string) int {
	err := c.dispatch(argv)
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	c.fatal(err)
	return 1
}

// fatal prints an error as crictl's logger does: "FATA[0000] msg" on a terminal, key=value otherwise.
func (c *cli) fatal(err error) {
	if isTerminal(c.stderr) {
		fmt.Fprintf(c.stderr, "\x1b[31mFATA\x1b[0m[0000] %s \n", err)
	} else {
		fmt.Fprintf(c.stderr, "time=%q level=fatal msg=%q\n", time.Now().Format(time.RFC3339Nano), err.Error())
	}
}

// warnf is logrus' Warn, which crictl uses for notices.
func (c *cli) warnf(format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	if isTerminal(c.stderr) {
		fmt.Fprintf(c.stderr, "\x1b[33mWARN\x1b[0m[0000] %s \n", msg)
	} else {
		fmt.Fprintf(c.stderr, "time=%q level=warning msg=%q\n", time.Now().Format(time.RFC3339Nano), msg)
	}
}

func (c *cli) debugf(format string, a ...any) {
	if c.debug {
		fmt.Fprintf(c.stderr, "DEBU[0000] "+format+"\n", a...)
	}
}

func findCommand(name string) *command {
	for _, cmd := range commands() {
		if cmd.name == name {
			return cmd
		}
		for _, a := range cmd.aliases {
			if a == name {
				return cmd
			}
		}
	}
	return nil
}

func (c *cli) dispatch(argv []string) error {
	defs := append(append([]flagDef{}, globalFlags...), flagDef{name: "help", short: "h", kind: boolFlag})
	g, err := parseFlags(defs, argv)
	if err != nil {
		fmt.Fprintf(c.stderr, "Incorrect Usage: %s\n\n", err)
		c.appHelp(c.stderr)
		return exitError{1}
	}
	if g.Bool("version") {
		fmt.Fprintf(c.stdout, "crictl version %s\n", version)
		return nil
	}
	if len(g.args) == 0 || (g.Bool("help") && len(g.args) == 0) {
		c.appHelp(c.stdout)
		return nil
	}
	name := g.args[0]
	if name == "help" || name == "h" {
		if len(g.args) > 1 {
			if cmd := findCommand(g.args[1]); cmd != nil {
				c.commandHelp(c.stdout, cmd)
				return nil
			}
		}
		c.appHelp(c.stdout)
		return nil
	}
	cmd := findCommand(name)
	if cmd == nil {
		return fmt.Errorf("no help topic for '%s'", name)
	}
	c.cmd = cmd
	cdefs := append(append([]flagDef{}, cmd.flags...), flagDef{name: "help", short: "h", kind: boolFlag})
	p, err := parseFlags(cdefs, g.args[1:])
	if err != nil {
		fmt.Fprintf(c.stderr, "Incorrect Usage: %s\n\n", err)
		c.commandHelp(c.stderr, cmd)
		return exitError{1}
	}
	if p.Bool("help") || g.Bool("help") {
		c.commandHelp(c.stdout, cmd)
		return nil
	}
	if err := c.loadSettings(g); err != nil {
		return err
	}
	if !c.debug {
		// The CRI client library logs every failed call; crictl reports the error once itself.
		klog.SetLogger(logr.Discard())
	}
	err = cmd.run(c, p)
	var ue usageError
	if errors.As(err, &ue) {
		if ue.msg != "" {
			fmt.Fprintf(c.stderr, "%s\n", ue.msg)
		}
		c.commandHelp(c.stdout, cmd)
		return exitError{1}
	}
	return err
}

// loadSettings applies crictl's precedence: flag, then environment, then config file, then default.
func (c *cli) loadSettings(g *parsed) error {
	c.configPath = g.String("config")
	if env := os.Getenv("CRI_CONFIG_FILE"); env != "" && !g.IsSet("config") {
		c.configPath = env
	}
	cfg := map[string]string{}
	if data, err := os.ReadFile(c.configPath); err == nil {
		cfg, err = parseConfig(string(data))
		if err != nil {
			return fmt.Errorf("load config file: %w", err)
		}
	} else if g.IsSet("config") && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("load config file: %w", err)
	}
	pick := func(flag, env, key string) (string, bool) {
		if g.IsSet(flag) {
			return g.String(flag), true
		}
		if env != "" {
			if v := os.Getenv(env); v != "" {
				return v, true
			}
		}
		v, ok := cfg[key]
		return v, ok && v != ""
	}
	var ok bool
	if c.runtimeEP, ok = pick("runtime-endpoint", "CONTAINER_RUNTIME_ENDPOINT", "runtime-endpoint"); !ok {
		c.runtimeEP = defaultEndpoint
		if c.cmd != nil && !strings.HasPrefix(c.cmd.name, "config") && c.cmd.name != "completion" {
			c.warnf("runtime connect using default endpoints: [%s]. As the default settings are now deprecated, you should set the endpoint instead.", defaultEndpoint)
		}
	}
	if c.imageEP, ok = pick("image-endpoint", "IMAGE_SERVICE_ENDPOINT", "image-endpoint"); !ok {
		c.imageEP = c.runtimeEP
	}
	c.timeout = 2 * time.Second
	if t, ok := pick("timeout", "", "timeout"); ok {
		d, err := parseTimeout(t)
		if err != nil {
			return err
		}
		if d > 0 {
			c.timeout = d
		}
	}
	c.debug = g.Bool("debug") || cfg["debug"] == "true"
	c.pullOnCreate = cfg["pull-image-on-create"] == "true"
	c.disablePullRun = cfg["disable-pull-on-run"] == "true"
	return nil
}

// parseTimeout accepts "10" (seconds, as in crictl.yaml) or a Go duration ("10s", "1m").
func parseTimeout(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	var n int64
	if _, err := fmt.Sscanf(s, "%d", &n); err == nil && fmt.Sprint(n) == s {
		return time.Duration(n) * time.Second, nil
	}
	return 0, fmt.Errorf("invalid timeout %q: give seconds (10) or a duration (10s)", s)
}

// runtime connects to the runtime service (once).
func (c *cli) runtime() (internalapi.RuntimeService, error) {
	if c.rt != nil {
		return c.rt, nil
	}
	if c.runtimeEP == "" {
		return nil, errors.New("--runtime-endpoint is not set")
	}
	c.debugf("get runtime connection")
	rt, err := remote.NewRemoteRuntimeService(c.ctx, c.runtimeEP, c.timeout, nil, false)
	if err != nil {
		return nil, err
	}
	c.rt = rt
	return rt, nil
}

// images connects to the image service (once).
func (c *cli) images() (internalapi.ImageManagerService, error) {
	if c.img != nil {
		return c.img, nil
	}
	if c.imageEP == "" {
		return nil, errors.New("--image-endpoint is not set")
	}
	c.debugf("get image connection")
	img, err := remote.NewRemoteImageService(c.ctx, c.imageEP, c.timeout, nil, false)
	if err != nil {
		return nil, err
	}
	c.img = img
	return img, nil
}

func (c *cli) appHelp(w io.Writer) {
	fmt.Fprintf(w, `NAME:
   crictl - client for CRI

USAGE:
   crictl [global options] command [command options]

VERSION:
   %s

DESCRIPTION:
   crictl is a command-line interface for CRI-compatible container runtimes.
   This crictl is Runtime Lab's own CRI client, built on Kubernetes' CRI client
   libraries (k8s.io/cri-api, k8s.io/cri-client); it follows cri-tools' crictl
   but is not it. See /usr/local/share/doc/crictl/README.md for the differences.

COMMANDS:
`, version)
	cmds := commands()
	sort.SliceStable(cmds, func(a, b int) bool { return cmds[a].name < cmds[b].name })
	width := 0
	for _, cmd := range cmds {
		n := strings.Join(append([]string{cmd.name}, cmd.aliases...), ", ")
		if len(n) > width {
			width = len(n)
		}
	}
	for _, cmd := range cmds {
		n := strings.Join(append([]string{cmd.name}, cmd.aliases...), ", ")
		fmt.Fprintf(w, "   %-*s  %s\n", width, n, cmd.usage)
	}
	fmt.Fprintf(w, "   %-*s  %s\n", width, "help, h", "Shows a list of commands or help for one command")
	fmt.Fprintf(w, "\nGLOBAL OPTIONS:\n%s", flagHelp(globalFlags))
}

func (c *cli) commandHelp(w io.Writer, cmd *command) {
	fmt.Fprintf(w, "NAME:\n   crictl %s - %s\n\nUSAGE:\n   crictl %s [command options] %s\n", cmd.name, cmd.usage, cmd.name, cmd.args)
	fmt.Fprintf(w, "\nOPTIONS:\n%s", flagHelp(cmd.flags))
}

// isTerminal says whether w is a terminal: a character device that answers TCGETS
// (/dev/null is a character device too, and must not be put in raw mode).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
