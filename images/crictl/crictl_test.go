package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pb "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// parseWith runs a command line through the real app with the named command's action replaced,
// and returns what the action would have been given (and the session).
func parseWith(t *testing.T, name string, args ...string) (*parsed, *session) {
	t.Helper()
	var o, e bytes.Buffer
	s := newSession(&o, &e, strings.NewReader(""))
	app := s.newApp()
	var got *parsed
	cmd := app.Command(name)
	if cmd == nil {
		t.Fatalf("no command %q", name)
	}
	cmd.Action = action(func(_ *session, p *parsed) error { got = p; return nil })
	if err := app.Run(append([]string{"crictl"}, args...)); err != nil {
		t.Fatalf("%q: %v\n%s%s", args, err, o.String(), e.String())
	}
	if got == nil {
		t.Fatalf("%q: the action did not run\n%s", args, o.String())
	}
	return got, s
}

func TestFlagsCombinedShortAndPositional(t *testing.T) {
	p, _ := parseWith(t, "exec", "exec", "-it", "abc", "sh", "-c", "echo hi")
	if !p.Bool("interactive") || !p.Bool("tty") || p.Bool("sync") {
		t.Fatalf("-it: interactive %v tty %v sync %v", p.Bool("interactive"), p.Bool("tty"), p.Bool("sync"))
	}
	if strings.Join(p.args, "|") != "abc|sh|-c|echo hi" {
		t.Fatalf("args after the first positional must stay positional: %q", p.args)
	}
	if p.String("transport") != "websocket" {
		t.Fatalf("transport default: %q", p.String("transport"))
	}
}

func TestFlagsValues(t *testing.T) {
	p, _ := parseWith(t, "ps", "ps", "-o", "json", "--label=a=b", "--label", "c=d", "-n", "5", "--state=exited", "-aq")
	if p.String("output") != "json" || p.Int("last") != 5 || p.String("state") != "exited" || !p.Bool("all") || !p.Bool("quiet") {
		t.Fatalf("values: output %q last %d state %q all %v quiet %v", p.String("output"), p.Int("last"), p.String("state"), p.Bool("all"), p.Bool("quiet"))
	}
	if got := p.Slice("label"); len(got) != 2 || got[0] != "a=b" || got[1] != "c=d" {
		t.Fatalf("labels: %q", got)
	}
	p, _ = parseWith(t, "ps", "ps")
	if p.String("output") != "table" || p.Int("last") != 0 {
		t.Fatalf("defaults: output %q last %d", p.String("output"), p.Int("last"))
	}
	p, _ = parseWith(t, "logs", "logs", "abc")
	if p.Int("tail") != -1 || p.Int("limit-bytes") != -1 {
		t.Fatalf("logs defaults: tail %d limit-bytes %d", p.Int("tail"), p.Int("limit-bytes"))
	}
	p, _ = parseWith(t, "stop", "stop", "-t", "7", "abc")
	if p.Int("timeout") != 7 {
		t.Fatalf("stop -t: %d", p.Int("timeout"))
	}
	p, _ = parseWith(t, "runp", "runp", "-r", "crun", "-T", "5s", "pod.json")
	if p.String("runtime") != "crun" || p.Duration("cancel-timeout") != 5*time.Second || p.args[0] != "pod.json" {
		t.Fatalf("runp: runtime %q cancel-timeout %v args %q", p.String("runtime"), p.Duration("cancel-timeout"), p.args)
	}
	p, _ = parseWith(t, "images", "img", "-q")
	if !p.Bool("quiet") {
		t.Fatal("the img alias and its -q")
	}
	t.Setenv("CRICTL_CREDS", "user:secret")
	if p, _ = parseWith(t, "pull", "pull", "busybox"); p.String("creds") != "user:secret" {
		t.Fatalf("--creds from CRICTL_CREDS: %q", p.String("creds"))
	}
}

func TestGlobalFlagsAndPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "crictl.yaml")
	os.WriteFile(cfg, []byte("runtime-endpoint: unix:///from/config.sock\nimage-endpoint: unix:///img/config.sock\ntimeout: 10\ndebug: false\n"), 0o644)
	unsetenv(t, "CONTAINER_RUNTIME_ENDPOINT")
	_, s := parseWith(t, "ps", "-c", cfg, "ps")
	if s.runtimeEP != "unix:///from/config.sock" || !s.runtimeEPSet || s.imageEP != "unix:///img/config.sock" || s.timeout != 10*time.Second || s.debug {
		t.Fatalf("config file: ep %q set %v img %q timeout %v debug %v", s.runtimeEP, s.runtimeEPSet, s.imageEP, s.timeout, s.debug)
	}
	t.Setenv("CONTAINER_RUNTIME_ENDPOINT", "unix:///from/env.sock")
	if _, s = parseWith(t, "ps", "-c", cfg, "ps"); s.runtimeEP != "unix:///from/env.sock" {
		t.Fatalf("env over config: %s", s.runtimeEP)
	}
	if _, s = parseWith(t, "ps", "-c", cfg, "-r", "unix:///flag.sock", "-t", "3s", "-D", "ps"); s.runtimeEP != "unix:///flag.sock" || s.timeout != 3*time.Second || !s.debug {
		t.Fatalf("flag over env: ep %q timeout %v debug %v", s.runtimeEP, s.timeout, s.debug)
	}
	unsetenv(t, "CONTAINER_RUNTIME_ENDPOINT")
	t.Setenv("CRI_CONFIG_FILE", filepath.Join(dir, "missing.yaml"))
	if _, s = parseWith(t, "config", "config", "--list"); s.runtimeEPSet || s.timeout != defaultTimeout {
		t.Fatalf("a missing config file named for `config`: set %v timeout %v", s.runtimeEPSet, s.timeout)
	}
	var o, e bytes.Buffer
	if code := newSession(&o, &e, nil).main([]string{"ps"}); code != 1 || !strings.Contains(e.String(), "get server config: load config file") {
		t.Errorf("a missing config file named in CRI_CONFIG_FILE: %d %s", code, e.String())
	}
}

// unsetenv removes a variable for one test (urfave/cli takes a variable set to "" as set).
func unsetenv(t *testing.T, key string) {
	t.Setenv(key, "")
	os.Unsetenv(key)
}

func TestMatchID(t *testing.T) {
	known := []string{"abc123", "abd456", "ffff"}
	for in, want := range map[string]string{"abc": "abc123", "abd4": "abd456", "ffff": "ffff", "zzz": "zzz"} {
		got, err := matchID("container", in, known)
		if err != nil || got != want {
			t.Errorf("matchID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := matchID("container", "ab", known); err == nil || !strings.Contains(err.Error(), `ambiguous container ID "ab"`) {
		t.Errorf("ambiguous: %v", err)
	}
	if _, err := matchID("pod sandbox", "", known); err == nil {
		t.Error("empty ID must fail")
	}
}

func TestTruncateAndHumanize(t *testing.T) {
	if got := truncateID("sha256:0123456789abcdef0123", "sha256:"); got != "0123456789abc" {
		t.Errorf("truncateID: %q", got)
	}
	if got := truncateID("short", ""); got != "short" {
		t.Errorf("truncateID short: %q", got)
	}
	cases := map[time.Duration]string{
		500 * time.Millisecond: "Less than a second", time.Second: "1 second", 30 * time.Second: "30 seconds",
		61 * time.Second: "About a minute", 5 * time.Minute: "5 minutes", time.Hour: "About an hour",
		5 * time.Hour: "5 hours", 72 * time.Hour: "3 days", 21 * 24 * time.Hour: "3 weeks",
	}
	for d, want := range cases {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
	for size, want := range map[float64]string{0: "0B", 999: "999B", 1000: "1kB", 4270000: "4.27MB", 742000: "742kB", 1.5e9: "1.5GB"} {
		if got := humanSize(size); got != want {
			t.Errorf("humanSize(%v) = %q, want %q", size, got, want)
		}
	}
}

func TestTableLayout(t *testing.T) {
	var b bytes.Buffer
	tb := newTable(&b)
	tb.row("POD ID", "CREATED", "STATE")
	tb.row("0123456789abc", "2 minutes ago", "Ready")
	tb.flush()
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if lines[0] != "POD ID              CREATED             STATE" {
		t.Errorf("header: %q", lines[0])
	}
	if lines[1] != "0123456789abc       2 minutes ago       Ready" {
		t.Errorf("row: %q", lines[1])
	}
}

func TestOutputFormats(t *testing.T) {
	resp := &pb.ListPodSandboxResponse{Items: []*pb.PodSandbox{{
		Id: "abc", Metadata: &pb.PodSandboxMetadata{Name: "nginx-sandbox", Namespace: "default", Uid: "u1"},
		State: pb.PodSandboxState_SANDBOX_READY, CreatedAt: 1700000000000000000, Labels: map[string]string{"app": "x"},
	}}}
	var b bytes.Buffer
	if err := printProto(&b, resp, "json", ""); err != nil {
		t.Fatal(err)
	}
	js := b.String()
	for _, want := range []string{`"items": [`, `"id": "abc"`, `"state": "SANDBOX_READY"`, `"createdAt": "1700000000000000000"`, `"runtimeHandler": ""`} {
		if !strings.Contains(js, want) {
			t.Errorf("json lacks %s:\n%s", want, js)
		}
	}
	b.Reset()
	if err := printProto(&b, resp, "yaml", ""); err != nil {
		t.Fatal(err)
	}
	want := `items:
- annotations: {}
  createdAt: "1700000000000000000"
  id: abc
  labels:
    app: x
  metadata:
    attempt: 0
    name: nginx-sandbox
    namespace: default
    uid: u1
  runtimeHandler: ""
  state: SANDBOX_READY

`
	if b.String() != want {
		t.Errorf("yaml:\n%s\nwant:\n%s", b.String(), want)
	}
	y, err := jsonToYAML([]byte(`{"args":["sh","-c","echo: hi"],"n":1.5,"on":"on","empty":[],"nested":[["a"]],"m":[{"k":true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "args:\n- sh\n- -c\n- 'echo: hi'\nempty: []\nm:\n- k: true\n\"n\": 1.5\nnested:\n- - a\n\"on\": \"on\"\n"; y != want {
		t.Errorf("jsonToYAML:\n%s\nwant:\n%s", y, want)
	}
	b.Reset()
	if err := printProto(&b, resp, "go-template", `{{range .items}}{{.metadata.name}} {{.state}}{{end}}`); err != nil {
		t.Fatal(err)
	}
	if b.String() != "nginx-sandbox SANDBOX_READY\n" {
		t.Errorf("go-template: %q", b.String())
	}
	if err := printProto(&b, resp, "xml", ""); err == nil {
		t.Error("unknown format must fail")
	}
}

func TestOutputStatus(t *testing.T) {
	var b bytes.Buffer
	err := outputStatus(&b, []statusEntry{{status: `{"id":"abc"}`, info: map[string]string{"info": `{"pid":42}`, "plain": `"text"`}}}, "json", "")
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"info\": {\n    \"pid\": 42\n  },\n  \"plain\": \"text\",\n  \"status\": {\n    \"id\": \"abc\"\n  }\n}\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
	b.Reset()
	outputStatus(&b, []statusEntry{{status: `{"id":"a"}`}, {status: `{"id":"b"}`}}, "json", "")
	if !strings.HasPrefix(b.String(), "[") {
		t.Errorf("several entries make an array: %s", b.String())
	}
}

func TestYAMLInput(t *testing.T) {
	src := `# a pod
metadata:
  name: nginx-sandbox
  namespace: default
  attempt: 1
  uid: "hdishd83djaidwnduwk28bcsb"
log_directory: /tmp
labels:
  app: 'web'
port_mappings:
  - container_port: 80
    protocol: 0
dns_config:
  servers: [ "10.0.0.1" ]
linux: {}
`
	js, err := yamlToJSON([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pod.yaml"), []byte(src), 0o644)
	var warn bytes.Buffer
	cfg, err := newSession(&warn, &warn, nil).loadPodConfig(filepath.Join(dir, "pod.yaml"))
	if err != nil {
		t.Fatalf("%v (json %s)", err, js)
	}
	if cfg.GetMetadata().GetName() != "nginx-sandbox" || cfg.GetMetadata().GetAttempt() != 1 || cfg.GetLogDirectory() != "/tmp" ||
		cfg.GetLabels()["app"] != "web" || cfg.GetPortMappings()[0].GetContainerPort() != 80 || cfg.GetDnsConfig().GetServers()[0] != "10.0.0.1" || cfg.GetLinux() == nil {
		t.Fatalf("parsed: %v", cfg)
	}
	if !strings.Contains(warn.String(), "level=warning msg=\"cgroup_parent is not set. Use `runtime-config` to get the runtime cgroup driver\"") {
		t.Errorf("upstream's warning for a linux section without cgroup_parent: %q", warn.String())
	}
	if js, err := yamlToJSON([]byte("a: &x {b: 1}\nc: *x\nd: |\n  two\n  lines\n")); err != nil || string(js) != `{"a":{"b":1},"c":{"b":1},"d":"two\nlines\n"}` {
		t.Errorf("anchors and block scalars: %s %v", js, err)
	}
	if _, err := yamlToJSON([]byte("a:\n\tb: 1\n")); err == nil {
		t.Error("a tab indentation must fail")
	}
	m, err := parseConfig([]byte("# the lab's\nruntime-endpoint: unix:///run/containerd/containerd.sock\ntimeout: 10\ndebug: false\n"))
	if err != nil || m.RuntimeEndpoint != "unix:///run/containerd/containerd.sock" || m.Timeout != 10 || m.Debug {
		t.Fatalf("config: %+v %v", m, err)
	}
	if _, err := parseConfig([]byte("{\"runtime-endpoint\": \"unix:///x.sock\", \"timeout\": 3}")); err != nil {
		t.Errorf("a JSON config: %v", err)
	}
	if _, err := parseConfig([]byte("runtime_endpoint: x\n")); err == nil || err.Error() != "Config option 'runtime_endpoint' is not valid" {
		t.Errorf("unknown option: %v", err)
	}
	if _, err := parseConfig([]byte("timeout: 2s\n")); err == nil || !strings.Contains(err.Error(), "parsing config option 'timeout'") {
		t.Errorf("a timeout that is not a number of seconds: %v", err)
	}
}

func TestPodConfigChecks(t *testing.T) {
	dir := t.TempDir()
	var warn bytes.Buffer
	loadPodConfig := newSession(&warn, &warn, nil).loadPodConfig
	p := filepath.Join(dir, "pod.json")
	os.WriteFile(p, []byte(`{"metadata":{"name":"x"}}`), 0o644)
	if _, err := loadPodConfig(p); err == nil || !strings.Contains(err.Error(), "name or namespace") {
		t.Errorf("namespace missing: %v", err)
	}
	os.WriteFile(p, []byte(`{"metadata":{"name":"x","namespace":"default"}}`), 0o644)
	cfg, err := loadPodConfig(p)
	if err != nil || len(cfg.GetMetadata().GetUid()) != 36 {
		t.Errorf("a uid is generated: %v %v", cfg, err)
	}
	if warn.Len() != 0 {
		t.Errorf("no linux section, no warning: %q", warn.String())
	}
	if _, err := loadPodConfig(filepath.Join(dir, "nope.json")); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing file: %v", err)
	}
	c := filepath.Join(dir, "ctr.json")
	os.WriteFile(c, []byte(`{"metadata":{"name":"busybox"},"image":{"image":"busybox"},"command":["top"],"log_path":"busybox.log","linux":{}}`), 0o644)
	ctr, err := loadContainerConfig(c)
	if err != nil || ctr.GetImage().GetImage() != "busybox" || ctr.GetCommand()[0] != "top" || ctr.GetLogPath() != "busybox.log" {
		t.Errorf("container config: %v %v", ctr, err)
	}
	os.WriteFile(c, []byte("metadata:\n  name: box\nimage: {}\n"), 0o644)
	if _, err := loadContainerConfig(c); err == nil || !strings.Contains(err.Error(), "image field is not set in image") {
		t.Errorf("empty image: %v", err)
	}
}

func TestLogs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "0.log")
	content := "2024-01-01T00:00:00.000000001Z stdout F one\n" +
		"2024-01-01T00:00:01.000000000Z stderr F two\n" +
		"2024-01-01T00:00:02.000000000Z stdout P thr\n" +
		"2024-01-01T00:00:02.100000000Z stdout F ee\n"
	os.WriteFile(path, []byte(content), 0o644)
	read := func(opts logOptions) (string, string) {
		f, _ := os.Open(path)
		defer f.Close()
		off, _ := tailStart(f, opts.tail)
		f.Seek(off, 0)
		var o, e bytes.Buffer
		var n int64
		writeLogs(f, opts, &o, &e, &n)
		return o.String(), e.String()
	}
	o, e := read(logOptions{tail: -1, limitBytes: -1})
	if o != "one\nthree\n" || e != "two\n" {
		t.Errorf("all: %q %q", o, e)
	}
	o, _ = read(logOptions{tail: 1, limitBytes: -1})
	if o != "ee\n" {
		t.Errorf("tail 1: %q", o)
	}
	since, _ := parseSince("2024-01-01T00:00:00.5Z", time.Now())
	o, e = read(logOptions{tail: -1, limitBytes: -1, since: since})
	if o != "three\n" || e != "two\n" {
		t.Errorf("since: %q %q", o, e)
	}
	o, _ = read(logOptions{tail: 2, limitBytes: -1, timestamps: true, stream: "stdout"})
	if o != "2024-01-01T00:00:02Z thr2024-01-01T00:00:02.1Z ee\n" {
		t.Errorf("timestamps: %q", o)
	}
	if _, err := parseSince("yesterday", time.Now()); err == nil {
		t.Error("bad --since must fail")
	}
}

func TestExitCodeFromStatus(t *testing.T) {
	code, err := exitCodeFromStatus("v4.channel.k8s.io", `{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}`)
	if code != 3 || err != nil {
		t.Errorf("exit 3: %d %v", code, err)
	}
	if code, err = exitCodeFromStatus("v5.channel.k8s.io", `{"metadata":{},"status":"Success"}`); code != 0 || err != nil {
		t.Errorf("success: %d %v", code, err)
	}
	if _, err = exitCodeFromStatus("v4.channel.k8s.io", `{"status":"Failure","message":"boom"}`); err == nil || err.Error() != "boom" {
		t.Errorf("failure: %v", err)
	}
}

func TestCLIErrorsAndHelp(t *testing.T) {
	// A config file of its own: without one crictl warns that /etc/crictl.yaml is missing.
	cfg := filepath.Join(t.TempDir(), "crictl.yaml")
	os.WriteFile(cfg, []byte("runtime-endpoint: unix:///nonexistent/crictl-test.sock\ntimeout: 1\n"), 0o644)
	t.Setenv("CRI_CONFIG_FILE", cfg)
	run := func(args ...string) (int, string, string) {
		var o, e bytes.Buffer
		s := newSession(&o, &e, strings.NewReader(""))
		s.ctx = t.Context()
		return s.main(args), o.String(), e.String()
	}
	code, out, _ := run("ps", "--help")
	for _, want := range []string{"NAME:\n   crictl ps - List containers\n", "USAGE:\n   crictl ps [command options]", "--all, -a", "--output value, -o value ", " Output format, One of: json|yaml|table (default: \"table\")\n", "--help, -h"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("ps --help lacks %q: %d\n%s", want, code, out)
		}
	}
	code, out, _ = run("--help")
	for _, want := range []string{"crictl - client for CRI", "runp", "inspectp", "images, image, img", "--runtime-endpoint value, -r value", "[$CONTAINER_RUNTIME_ENDPOINT]", "--timeout value, -t value", "(default: 2s)", "--version, -v"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("--help lacks %q: %d\n%s", want, code, out)
		}
	}
	code, out, _ = run("runp")
	if code != 0 || !strings.Contains(out, "crictl runp [command options] pod-config.[json|yaml]") {
		t.Errorf("runp without a config shows its help, as upstream: %d %s", code, out)
	}
	code, out, errOut := run("ps", "--bogus")
	if code != 1 || !strings.Contains(out, "Incorrect Usage: flag provided but not defined: -bogus") || !strings.Contains(errOut, `level=error msg="flag provided but not defined: -bogus"`) {
		t.Errorf("bad flag: %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = run("pods")
	if code != 1 || !strings.Contains(errOut, "no such file or directory") || !strings.Contains(errOut, "level=error") {
		t.Errorf("missing socket: %d %s", code, errOut)
	}
	code, _, errOut = run("nosuchcommand")
	if code != 3 || errOut != "No help topic for 'nosuchcommand'\n" {
		t.Errorf("unknown command: %d %q", code, errOut)
	}
	code, _, errOut = run("start")
	if code != 1 || !strings.Contains(errOut, `msg="ID cannot be empty"`) {
		t.Errorf("start without IDs: %d %s", code, errOut)
	}
	code, _, errOut = run("stop")
	if code != 1 || errOut != "you must specify at least one CONTAINER-ID or use --all\n" {
		t.Errorf("stop without IDs: %d %q", code, errOut)
	}
	code, out, _ = run("completion", "bash")
	if code != 0 || !strings.Contains(out, "complete -F _crictl crictl") || !strings.Contains(out, "inspectp") || !strings.Contains(out, "--runtime-endpoint|-r|") {
		t.Errorf("completion: %d", code)
	}
	code, out, _ = run("--version")
	if code != 0 || out != "crictl version "+version+"\n" {
		t.Errorf("--version: %q", out)
	}
}

func TestConfigCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "crictl.yaml")
	os.WriteFile(cfg, []byte("# written by hand\nruntime-endpoint: unix:///run/containerd/containerd.sock\ntimeout: 10\n"), 0o644)
	run := func(args ...string) (int, string) {
		var o, e bytes.Buffer
		code := newSession(&o, &e, nil).main(append([]string{"-c", cfg}, args...))
		return code, o.String() + e.String()
	}
	if code, out := run("config", "--get", "timeout"); code != 0 || out != "10\n" {
		t.Errorf("get: %d %q", code, out)
	}
	if code, out := run("config", "--set", "debug=true,timeout=5"); code != 0 {
		t.Errorf("set: %d %q", code, out)
	}
	// As upstream: every option is written, comments and order kept, new ones appended.
	want := "# written by hand\nruntime-endpoint: unix:///run/containerd/containerd.sock\ntimeout: 5\nimage-endpoint: \"\"\ndebug: true\npull-image-on-create: false\ndisable-pull-on-run: false\nmax-retries: 0\n"
	if got := mustRead(cfg); got != want {
		t.Errorf("file after set:\n%s\nwant:\n%s", got, want)
	}
	if code, out := run("config", "image-endpoint", "unix:///x.sock"); code != 0 || !strings.Contains(mustRead(cfg), `image-endpoint: "unix:///x.sock"`) || !strings.Contains(out, "No --get, --set or --list provided") {
		t.Errorf("positional set: %d %q", code, out)
	}
	if code, out := run("config", "--list"); code != 0 || !strings.Contains(out, "KEY                    VALUE") || !strings.Contains(out, "image-endpoint         unix:///x.sock") {
		t.Errorf("list: %d %q", code, out)
	}
	if code, out := run("config", "--get", "nope"); code != 1 || !strings.Contains(out, "no configuration option named nope") {
		t.Errorf("unknown key: %d %q", code, out)
	}
	if code, out := run("config", "--set", "timeout=soon"); code != 1 || !strings.Contains(out, "parse timeout value 'soon'") {
		t.Errorf("bad timeout: %d %q", code, out)
	}
	fresh := filepath.Join(dir, "sub", "new.yaml")
	var o, e bytes.Buffer
	// The file is created with every option empty (quoted ""), and a value set later keeps the
	// quotes: yaml.v3 keeps a node's style, as it does for upstream.
	if code := newSession(&o, &e, nil).main([]string{"-c", fresh, "config", "--set", "runtime-endpoint=unix:///y.sock"}); code != 0 || !strings.HasPrefix(mustRead(fresh), "runtime-endpoint: \"unix:///y.sock\"\n") {
		t.Errorf("config creates a missing file: %d %s %q", code, e.String(), mustRead(fresh))
	}
}

func TestLoggerFormat(t *testing.T) {
	var b bytes.Buffer
	l := newLogger(&b)
	l.now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	l.warnf("No pods to remove")
	l.errorf("plain")
	l.debugf("hidden")
	l.debug = true
	l.debugf("shown")
	want := "time=\"2026-01-02T03:04:05Z\" level=warning msg=\"No pods to remove\"\n" +
		"time=\"2026-01-02T03:04:05Z\" level=error msg=plain\n" +
		"time=\"2026-01-02T03:04:05Z\" level=debug msg=shown\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func mustRead(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}

func TestIsTerminal(t *testing.T) {
	// /dev/null is a character device but no terminal: exec -it with stdin from it must not try raw mode.
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Fatal("/dev/null taken for a terminal")
	}
	if isTerminal(&bytes.Buffer{}) {
		t.Fatal("a buffer taken for a terminal")
	}
}

func TestPodSlice(t *testing.T) {
	if got := podSlice("hdishd83djaidwnduwk28bcsb"); got != "/crictl.slice/crictl-podhdishd83djaidwnduwk28bcsb.slice" {
		t.Fatal(got)
	}
	// Dashes would nest the slice under others; dots and slashes are not unit-name material.
	if got := podSlice("0e1d-2c/3.b"); got != "/crictl.slice/crictl-pod0e1d_2c_3_b.slice" {
		t.Fatal(got)
	}
}
