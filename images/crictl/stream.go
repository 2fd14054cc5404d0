package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/net/websocket"
	"golang.org/x/sys/unix"
	pb "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// The CRI streaming server (containerd's, from Kubernetes) serves exec and attach over WebSocket
// with Kubernetes' channel protocol: every binary message starts with a channel byte (0 stdin,
// 1 stdout, 2 stderr, 3 error/status, 4 terminal resize; v5 adds 255 "close channel").
const (
	chStdin  = 0
	chStdout = 1
	chStderr = 2
	chError  = 3
	chResize = 4
	chClose  = 255
)

var streamProtocols = []string{"v5.channel.k8s.io", "v4.channel.k8s.io", "channel.k8s.io"}

// transportFlag is upstream's --transport; this crictl speaks only WebSocket, which the CRI
// streaming server serves as well as SPDY (upstream's default).
func transportFlag() cli.Flag {
	return &cli.StringFlag{Name: "transport", Aliases: []string{"r"}, Value: transportWebsocket, Usage: "Transport protocol to use, one of: " + transportWebsocket + " (this crictl does not speak spdy)"}
}

const transportWebsocket = "websocket"

func streamCommands() []*cli.Command {
	return []*cli.Command{
		{
			Name:                   "exec",
			Usage:                  "Run a command in a running container",
			ArgsUsage:              "CONTAINER-ID COMMAND [ARG...]",
			UseShortOptionHandling: true,
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "sync", Aliases: []string{"s"}, Usage: "Run the command synchronously"},
				&cli.Int64Flag{Name: "timeout", Usage: "Timeout in seconds"},
				&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: "Allocate a pseudo-TTY"},
				&cli.BoolFlag{Name: "interactive", Aliases: []string{"i"}, Usage: "Keep STDIN open"},
				transportFlag(),
			},
			Action: action(execCommand),
		},
		{
			Name:                   "attach",
			Usage:                  "Attach to a running container",
			ArgsUsage:              "CONTAINER-ID",
			UseShortOptionHandling: true,
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: "Allocate a pseudo-TTY"},
				&cli.BoolFlag{Name: "stdin", Aliases: []string{"i"}, Usage: "Keep STDIN open"},
				transportFlag(),
			},
			Action: action(attachCommand),
		},
		{
			Name:                   "logs",
			Usage:                  "Fetch the logs of a container",
			ArgsUsage:              "CONTAINER-ID",
			UseShortOptionHandling: true,
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "Follow log output"},
				&cli.BoolFlag{Name: "previous", Aliases: []string{"p"}, Usage: "Print the logs for the previous instance of the container in a pod if it exists"},
				&cli.BoolFlag{Name: "reopen", Aliases: []string{"r"}, Usage: "Reopen the container logs for the provided container"},
				&cli.Int64Flag{Name: "tail", Value: -1, Usage: "Number of lines to show from the end of the logs. Defaults to all"},
				&cli.Int64Flag{Name: "limit-bytes", Value: -1, Usage: "Maximum bytes of logs to return. Defaults to no limit"},
				&cli.StringFlag{Name: "since", Usage: "Show logs since timestamp (e.g. 2013-01-02T13:23:37) or relative (e.g. 42m for 42 minutes)"},
				&cli.BoolFlag{Name: "timestamps", Aliases: []string{"t"}, Usage: "Show timestamps"},
				&cli.StringFlag{Name: "stream", Aliases: []string{"s"}, Usage: "Show specified stream (stdout or stderr). Defaults to both."},
			},
			Action: action(logsCommand),
		},
	}
}

// exitCoder is what the CRI client's ExecSync returns for a non-zero exit.
type exitCoder interface{ ExitStatus() int }

// streamTarget checks --transport, connects to the runtime and resolves the container argument
// of exec and attach.
func (c *session) streamTarget(p *parsed) (string, error) {
	if t := p.String("transport"); t != transportWebsocket {
		return "", fmt.Errorf("transport %q is not supported by this crictl: use --transport websocket (the CRI streaming server speaks both)", t)
	}
	if _, err := c.runtime(); err != nil {
		return "", err
	}
	return c.containerID(p.args[0])
}

func execCommand(c *session, p *parsed) error {
	if len(p.args) < 2 {
		return p.showHelp()
	}
	id, err := c.streamTarget(p)
	if err != nil {
		return err
	}
	rt := c.rt
	cmd := p.args[1:]
	if p.Bool("sync") {
		stdout, stderr, err := rt.ExecSync(c.ctx, id, cmd, time.Duration(p.Int("timeout"))*time.Second)
		c.stdout.Write(stdout)
		c.stderr.Write(stderr)
		var ec exitCoder
		if errors.As(err, &ec) {
			return cli.Exit("", ec.ExitStatus())
		}
		if err != nil {
			return fmt.Errorf("execing command in container synchronously: %w", err)
		}
		return nil
	}
	tty, stdin := p.Bool("tty"), p.Bool("interactive")
	if tty && !stdin {
		// crictl requires -i with -t.
		return errors.New("tty and stdin should be set at the same time: use -it")
	}
	r, err := rt.Exec(c.ctx, &pb.ExecRequest{ContainerId: id, Cmd: cmd, Tty: tty, Stdin: stdin, Stdout: true, Stderr: !tty})
	if err != nil {
		return fmt.Errorf("exec command in container: %w", err)
	}
	code, err := c.stream(r.GetUrl(), stdin, tty)
	if err != nil {
		return fmt.Errorf("execing command in container: %w", err)
	}
	if code != 0 {
		return cli.Exit("", code)
	}
	return nil
}

func attachCommand(c *session, p *parsed) error {
	if len(p.args) != 1 {
		return p.showHelp()
	}
	id, err := c.streamTarget(p)
	if err != nil {
		return err
	}
	rt := c.rt
	tty, stdin := p.Bool("tty"), p.Bool("stdin")
	r, err := rt.Attach(c.ctx, &pb.AttachRequest{ContainerId: id, Stdin: stdin, Tty: tty, Stdout: true, Stderr: !tty})
	if err != nil {
		return fmt.Errorf("attach container: %w", err)
	}
	code, err := c.stream(r.GetUrl(), stdin, tty)
	if err != nil {
		return fmt.Errorf("attaching to container: %w", err)
	}
	if code != 0 {
		return cli.Exit("", code)
	}
	return nil
}

// stream connects to a streaming URL, wires the terminal and returns the remote exit code.
func (c *session) stream(raw string, stdin, tty bool) (int, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return 0, fmt.Errorf("bad streaming URL %q: %w", raw, err)
	}
	switch u.Scheme {
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	}
	c.log.debugf("streaming URL: %s", u)
	cfg, err := websocket.NewConfig(u.String(), "http://localhost/")
	if err != nil {
		return 0, err
	}
	cfg.Protocol = streamProtocols
	ws, err := websocket.DialConfig(cfg)
	if err != nil {
		return 0, fmt.Errorf("connect to the streaming server: %w", err)
	}
	defer ws.Close()
	proto := ""
	if len(ws.Config().Protocol) == 1 {
		proto = ws.Config().Protocol[0]
	}
	c.log.debugf("stream protocol: %q", proto)

	var restore func()
	if tty {
		if f, ok := c.stdin.(*os.File); ok && isTerminal(f) {
			restore, err = makeRaw(int(f.Fd()))
			if err != nil {
				return 0, err
			}
			defer restore()
		}
	}
	var wmu sync.Mutex
	send := func(ch byte, data []byte) error {
		wmu.Lock()
		defer wmu.Unlock()
		return websocket.Message.Send(ws, append([]byte{ch}, data...))
	}
	if tty {
		if f, ok := c.stdin.(*os.File); ok && isTerminal(f) {
			sendSize := func() {
				if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil {
					b, _ := json.Marshal(map[string]uint16{"Width": ws.Col, "Height": ws.Row})
					send(chResize, b)
				}
			}
			sendSize()
			winch := make(chan os.Signal, 1)
			signal.Notify(winch, syscall.SIGWINCH)
			defer signal.Stop(winch)
			go func() {
				for range winch {
					sendSize()
				}
			}()
		}
	}
	if stdin {
		go func() {
			buf := make([]byte, 32*1024)
			for {
				n, err := c.stdin.Read(buf)
				if n > 0 {
					if send(chStdin, buf[:n]) != nil {
						return
					}
				}
				if err != nil {
					if proto == "v5.channel.k8s.io" {
						send(chClose, []byte{chStdin})
					}
					return
				}
			}
		}()
	}
	status := ""
	for {
		var msg []byte
		if err := websocket.Message.Receive(ws, &msg); err != nil {
			if err == io.EOF {
				break
			}
			if status != "" {
				break
			}
			return 0, fmt.Errorf("read from the stream: %w", err)
		}
		if len(msg) == 0 {
			continue
		}
		data := msg[1:]
		switch msg[0] {
		case chStdout:
			c.stdout.Write(data)
		case chStderr:
			c.stderr.Write(data)
		case chError:
			status += string(data)
		}
	}
	if restore != nil {
		restore()
	}
	return exitCodeFromStatus(proto, status)
}

// exitCodeFromStatus reads the error channel: a Kubernetes Status object (v4, v5) or plain text (v1).
func exitCodeFromStatus(proto, status string) (int, error) {
	status = strings.TrimSpace(status)
	if status == "" {
		return 0, nil
	}
	if proto == "channel.k8s.io" || proto == "" {
		return 0, errors.New(status)
	}
	var st struct {
		Status  string `json:"status"`
		Message string `json:"message"`
		Reason  string `json:"reason"`
		Details struct {
			Causes []struct {
				Reason  string `json:"reason"`
				Message string `json:"message"`
			} `json:"causes"`
		} `json:"details"`
	}
	if err := json.Unmarshal([]byte(status), &st); err != nil {
		return 0, fmt.Errorf("unreadable status from the streaming server: %s", status)
	}
	if st.Status == "Success" {
		return 0, nil
	}
	if st.Reason == "NonZeroExitCode" {
		for _, cause := range st.Details.Causes {
			if cause.Reason == "ExitCode" {
				if n, err := strconv.Atoi(cause.Message); err == nil {
					return n, nil
				}
			}
		}
	}
	return 0, errors.New(st.Message)
}

// makeRaw puts the terminal in raw mode (as cfmakeraw) and returns how to restore it.
func makeRaw(fd int) (func(), error) {
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	t := *old
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &t); err != nil {
		return nil, err
	}
	var once sync.Once
	return func() { once.Do(func() { unix.IoctlSetTermios(fd, unix.TCSETS, old) }) }, nil
}
