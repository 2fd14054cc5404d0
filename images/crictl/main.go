// crictl for Runtime Lab: a CRI command-line client for containerd with the commands, flags and
// output of Kubernetes' crictl (cri-tools), written for the lab on top of the official CRI client
// libraries Debian packages (k8s.io/cri-api, k8s.io/cri-client) and the command-line library
// upstream crictl uses (urfave/cli v2). It is not upstream cri-tools.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/go-logr/logr"
	"github.com/urfave/cli/v2"
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

const (
	defaultConfigPath = "/etc/crictl.yaml"
	defaultTimeout    = 2 * time.Second
	sessionKey        = "runtime-lab-session"
)

// The endpoint crictl falls back to (upstream tries CRI-O's and cri-dockerd's sockets after it;
// the lab has neither, so trying them would only add their timeouts).
var defaultRuntimeEndpoints = []string{"unix:///run/containerd/containerd.sock"}

// session carries the settings and the connections of one invocation.
type session struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	log            *logger
	ctx            context.Context

	configPath     string
	runtimeEP      string
	runtimeEPSet   bool
	imageEP        string
	imageEPSet     bool
	timeout        time.Duration
	debug          bool
	pullOnCreate   bool
	disablePullRun bool

	rt  internalapi.RuntimeService
	img internalapi.ImageManagerService
}

func newSession(stdout, stderr io.Writer, stdin io.Reader) *session {
	return &session{stdout: stdout, stderr: stderr, stdin: stdin, log: newLogger(stderr), ctx: context.Background()}
}

func main() {
	os.Exit(newSession(os.Stdout, os.Stderr, os.Stdin).main(os.Args[1:]))
}

// main runs one command line (without the program name) and returns the exit status. Errors are
// logged as upstream's crictl logs them (logrus, level error) and give status 1; an error that
// carries its own status (cli.Exit: exec's remote exit code, "No help topic") is printed as it is.
func (s *session) main(args []string) int {
	err := s.newApp().Run(append([]string{"crictl"}, args...))
	if err == nil {
		return 0
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(s.stderr, msg)
		}
		return ec.ExitCode()
	}
	s.log.errorf("%v", err)
	return 1
}

// globalFlags are upstream's connection and configuration flags, with upstream's environment
// variables.
func globalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{
			Name:    "config",
			Aliases: []string{"c"},
			EnvVars: []string{"CRI_CONFIG_FILE"},
			Value:   defaultConfigPath,
			Usage:   "Location of the client config file. If not specified and the default does not exist, the program's directory is searched as well",
		},
		&cli.StringFlag{
			Name:    "runtime-endpoint",
			Aliases: []string{"r"},
			EnvVars: []string{"CONTAINER_RUNTIME_ENDPOINT"},
			Usage: fmt.Sprintf("Endpoint of CRI container runtime service (default: uses in order the first successful one of %v). "+
				"Default is now deprecated and the endpoint should be set instead.", defaultRuntimeEndpoints),
		},
		&cli.StringFlag{
			Name:    "image-endpoint",
			Aliases: []string{"i"},
			EnvVars: []string{"IMAGE_SERVICE_ENDPOINT"},
			Usage:   "Endpoint of CRI image manager service (default: uses 'runtime-endpoint' setting)",
		},
		&cli.DurationFlag{
			Name:    "timeout",
			Aliases: []string{"t"},
			Value:   defaultTimeout,
			Usage:   "Timeout of connecting to the server in seconds (e.g. 2s, 20s.). 0 or less is set to default",
		},
		&cli.BoolFlag{
			Name:    "debug",
			Aliases: []string{"D"},
			Usage:   "Enable debug mode",
		},
	}
}

// allCommands is every subcommand, in upstream's names.
func allCommands() []*cli.Command {
	var all []*cli.Command
	for _, group := range [][]*cli.Command{podCommands(), containerCommands(), imageCommands(), streamCommands(), miscCommands()} {
		all = append(all, group...)
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].Name < all[b].Name })
	for _, cmd := range all {
		sort.Sort(cli.FlagsByName(cmd.Flags))
	}
	return all
}

func (s *session) newApp() *cli.App {
	app := cli.NewApp()
	app.Name = "crictl"
	app.Usage = "client for CRI"
	app.Version = version
	app.Writer = s.stdout
	app.ErrWriter = s.stderr
	app.Reader = s.stdin
	app.Metadata = map[string]any{sessionKey: s}
	app.Commands = allCommands()
	app.Flags = globalFlags()
	sort.Sort(cli.FlagsByName(app.Flags))
	// main prints what an ExitCoder says; urfave's default handler would call os.Exit itself.
	app.ExitErrHandler = func(*cli.Context, error) {}
	app.Before = s.loadSettings
	return app
}

// sessionOf finds the session a command runs in.
func sessionOf(ctx *cli.Context) *session {
	return ctx.App.Metadata[sessionKey].(*session)
}

// action adapts a command body to urfave/cli.
func action(run func(s *session, p *parsed) error) cli.ActionFunc {
	return func(ctx *cli.Context) error {
		return run(sessionOf(ctx), &parsed{ctx: ctx, args: ctx.Args().Slice()})
	}
}

// loadSettings applies upstream's precedence: flag (or its environment variable), then the config
// file, then the default. A missing default config file is not an error; a config file named on
// the command line (or in CRI_CONFIG_FILE) must load, except for `crictl config`, which creates it.
func (s *session) loadSettings(ctx *cli.Context) error {
	s.configPath = ctx.String("config")
	cfg, err := s.serverConfig(ctx)
	if err != nil && ctx.IsSet("config") {
		if ctx.Args().First() != "config" || !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("get server config: %w", err)
		}
	}
	if cfg == nil {
		cfg = &fileConfig{}
	}
	pick := func(flag, fromFile string) (string, bool) {
		if ctx.IsSet(flag) {
			return ctx.String(flag), true
		}
		if fromFile != "" {
			return fromFile, true
		}
		return ctx.String(flag), false
	}
	s.runtimeEP, s.runtimeEPSet = pick("runtime-endpoint", cfg.RuntimeEndpoint)
	s.imageEP, s.imageEPSet = pick("image-endpoint", cfg.ImageEndpoint)
	switch {
	case ctx.IsSet("timeout"):
		s.timeout = ctx.Duration("timeout")
		if s.timeout <= 0 {
			s.timeout = defaultTimeout
		}
	case cfg.Timeout > 0:
		s.timeout = time.Duration(cfg.Timeout) * time.Second
	default:
		s.timeout = defaultTimeout
	}
	s.debug = cfg.Debug
	if ctx.IsSet("debug") {
		s.debug = ctx.Bool("debug")
	}
	s.log.debug = s.debug
	s.pullOnCreate = cfg.PullImageOnCreate
	s.disablePullRun = cfg.DisablePullOnRun
	if !s.debug {
		// The CRI client library logs every failed call; crictl reports the error once itself.
		klog.SetLogger(logr.Discard())
	}
	return nil
}

// serverConfig reads the config file; when the default one is missing, crictl.yaml beside the
// program is tried, as upstream does.
func (s *session) serverConfig(ctx *cli.Context) (*fileConfig, error) {
	path := s.configPath
	if _, err := os.Stat(path); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("load config file: %w", err)
		}
		exe, exeErr := os.Executable()
		if exeErr != nil {
			return nil, fmt.Errorf("load config file: %w", err)
		}
		next := filepath.Join(filepath.Dir(exe), "crictl.yaml")
		s.log.warnf("Config %q does not exist, trying next: %q", path, next)
		if _, err := os.Stat(next); err != nil {
			return nil, fmt.Errorf("load config file: %w", err)
		}
		path = next
	}
	cfg, err := readConfigFile(path)
	if err != nil {
		return nil, fmt.Errorf("load config file: %w", err)
	}
	return cfg, nil
}

// runtime connects to the runtime service (once).
func (s *session) runtime() (internalapi.RuntimeService, error) {
	if s.rt != nil {
		return s.rt, nil
	}
	if s.runtimeEPSet && s.runtimeEP == "" {
		return nil, errors.New("--runtime-endpoint is not set")
	}
	s.log.debugf("Get runtime connection")
	endpoints := []string{s.runtimeEP}
	if !s.runtimeEPSet {
		s.log.warnf("runtime connect using default endpoints: %v. As the default settings are now deprecated, you should set the endpoint instead.", defaultRuntimeEndpoints)
		endpoints = defaultRuntimeEndpoints
	}
	var err error
	for _, ep := range endpoints {
		s.log.debugf("Connect using endpoint %q with %q timeout", ep, s.timeout)
		var rt internalapi.RuntimeService
		if rt, err = remote.NewRemoteRuntimeService(s.ctx, ep, s.timeout, nil, false); err == nil {
			s.rt = rt
			return rt, nil
		}
	}
	return nil, err
}

// images connects to the image service (once).
func (s *session) images() (internalapi.ImageManagerService, error) {
	if s.img != nil {
		return s.img, nil
	}
	ep, set := s.imageEP, s.imageEPSet
	if ep == "" {
		if s.runtimeEPSet && s.runtimeEP == "" {
			return nil, errors.New("--image-endpoint is not set")
		}
		ep, set = s.runtimeEP, s.runtimeEPSet
	}
	s.log.debugf("Get image connection")
	endpoints := []string{ep}
	if !set {
		s.log.warnf("Image connect using default endpoints: %v. As the default settings are now deprecated, you should set the endpoint instead.", defaultRuntimeEndpoints)
		endpoints = defaultRuntimeEndpoints
	}
	var err error
	for _, e := range endpoints {
		var img internalapi.ImageManagerService
		if img, err = remote.NewRemoteImageService(s.ctx, e, s.timeout, nil, false); err == nil {
			s.img = img
			return img, nil
		}
	}
	return nil, err
}

// requestContext bounds one request by d (0: no bound), for upstream's --cancel-timeout and
// --pull-timeout.
func (s *session) requestContext(d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(s.ctx)
	}
	return context.WithTimeout(s.ctx, d)
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
