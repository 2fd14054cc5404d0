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

func TestParseFlagsCombinedShortAndPositional(t *testing.T) {
	defs := streamCommands[0].flags
	p, err := parseFlags(defs, []string{"-it", "abc", "sh", "-c", "echo hi"})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Bool("interactive") || !p.Bool("tty") || p.Bool("sync") {
		t.Fatalf("flags: %+v", p.values)
	}
	if strings.Join(p.args, "|") != "abc|sh|-c|echo hi" {
		t.Fatalf("args after the first positional must stay positional: %q", p.args)
	}
}

func TestParseFlagsValues(t *testing.T) {
	defs := findCommand("ps").flags
	p, err := parseFlags(defs, []string{"-o", "json", "--label=a=b", "--label", "c=d", "-n5", "--state=exited", "-aq"})
	if err != nil {
		t.Fatal(err)
	}
	if p.String("output") != "json" || p.Int("last") != 5 || p.String("state") != "exited" || !p.Bool("all") || !p.Bool("quiet") {
		t.Fatalf("values: %+v", p.values)
	}
	if got := p.Slice("label"); len(got) != 2 || got[0] != "a=b" || got[1] != "c=d" {
		t.Fatalf("labels: %q", got)
	}
	if _, err := parseFlags(defs, []string{"--nope"}); err == nil || !strings.Contains(err.Error(), "flag provided but not defined: -nope") {
		t.Fatalf("unknown flag: %v", err)
	}
	if _, err := parseFlags(defs, []string{"-o"}); err == nil || !strings.Contains(err.Error(), "flag needs an argument") {
		t.Fatalf("missing value: %v", err)
	}
	if _, err := parseFlags(defs, []string{"-n", "x"}); err == nil {
		t.Fatal("a non-numeric --last must fail")
	}
	p, _ = parseFlags(defs, []string{"--", "-a"})
	if p.Bool("all") || len(p.args) != 1 {
		t.Fatal("-- ends the flags")
	}
}

func TestGlobalFlagsAndPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "crictl.yaml")
	os.WriteFile(cfg, []byte("runtime-endpoint: unix:///from/config.sock\nimage-endpoint: unix:///img/config.sock\ntimeout: 10\ndebug: false\n"), 0o644)
	load := func(args []string) *cli {
		t.Helper()
		defs := append(append([]flagDef{}, globalFlags...), flagDef{name: "help", short: "h", kind: boolFlag})
		g, err := parseFlags(defs, args)
		if err != nil {
			t.Fatal(err)
		}
		c := &cli{stderr: &bytes.Buffer{}}
		if err := c.loadSettings(g); err != nil {
			t.Fatal(err)
		}
		return c
	}
	t.Setenv("CONTAINER_RUNTIME_ENDPOINT", "")
	c := load([]string{"-c", cfg, "ps"})
	if c.runtimeEP != "unix:///from/config.sock" || c.imageEP != "unix:///img/config.sock" || c.timeout != 10*time.Second {
		t.Fatalf("config file: %+v", c)
	}
	t.Setenv("CONTAINER_RUNTIME_ENDPOINT", "unix:///from/env.sock")
	if c = load([]string{"-c", cfg, "ps"}); c.runtimeEP != "unix:///from/env.sock" {
		t.Fatalf("env over config: %s", c.runtimeEP)
	}
	if c = load([]string{"-c", cfg, "-r", "unix:///flag.sock", "-t", "3s", "-D", "ps"}); c.runtimeEP != "unix:///flag.sock" || c.timeout != 3*time.Second || !c.debug {
		t.Fatalf("flag over env: %+v", c)
	}
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
	y := b.String()
	for _, want := range []string{"items:\n- annotations: {}\n  createdAt: \"1700000000000000000\"\n", "  metadata:\n    attempt: 0\n    name: nginx-sandbox\n", "  state: SANDBOX_READY\n"} {
		if !strings.Contains(y, want) {
			t.Errorf("yaml lacks %q:\n%s", want, y)
		}
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
	cfg, err := loadPodConfig(filepath.Join(dir, "pod.yaml"))
	if err != nil {
		t.Fatalf("%v (json %s)", err, js)
	}
	if cfg.GetMetadata().GetName() != "nginx-sandbox" || cfg.GetMetadata().GetAttempt() != 1 || cfg.GetLogDirectory() != "/tmp" ||
		cfg.GetLabels()["app"] != "web" || cfg.GetPortMappings()[0].GetContainerPort() != 80 || cfg.GetDnsConfig().GetServers()[0] != "10.0.0.1" || cfg.GetLinux() == nil {
		t.Fatalf("parsed: %v", cfg)
	}
	if _, err := yamlToJSON([]byte("a: &x 1\n")); err == nil {
		t.Error("anchors are refused")
	}
	m, err := parseConfig("runtime-endpoint: unix:///run/containerd/containerd.sock\ntimeout: 10\ndebug: false\n")
	if err != nil || m["runtime-endpoint"] != "unix:///run/containerd/containerd.sock" || m["timeout"] != "10" || m["debug"] != "false" {
		t.Fatalf("config: %v %v", m, err)
	}
}

func TestPodConfigChecks(t *testing.T) {
	dir := t.TempDir()
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
	if _, err := loadPodConfig(filepath.Join(dir, "nope.json")); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing file: %v", err)
	}
	c := filepath.Join(dir, "ctr.json")
	os.WriteFile(c, []byte(`{"metadata":{"name":"busybox"},"image":{"image":"busybox"},"command":["top"],"log_path":"busybox.log","linux":{}}`), 0o644)
	ctr, err := loadContainerConfig(c)
	if err != nil || ctr.GetImage().GetImage() != "busybox" || ctr.GetCommand()[0] != "top" || ctr.GetLogPath() != "busybox.log" {
		t.Errorf("container config: %v %v", ctr, err)
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
	run := func(args ...string) (int, string, string) {
		var o, e bytes.Buffer
		c := &cli{stdout: &o, stderr: &e, stdin: strings.NewReader("")}
		c.ctx = t.Context()
		return c.main(args), o.String(), e.String()
	}
	code, out, _ := run("ps", "--help")
	if code != 0 || !strings.Contains(out, "crictl ps - List containers") || !strings.Contains(out, "--all, -a") {
		t.Errorf("ps --help: %d %s", code, out)
	}
	code, _, errOut := run("ps", "--bogus")
	if code != 1 || !strings.Contains(errOut, "flag provided but not defined: -bogus") {
		t.Errorf("bad flag: %d %s", code, errOut)
	}
	code, _, errOut = run("-r", "unix:///nonexistent/crictl-test.sock", "-t", "1s", "pods")
	if code != 1 || !strings.Contains(errOut, "no such file or directory") || !strings.Contains(errOut, "level=fatal") {
		t.Errorf("missing socket: %d %s", code, errOut)
	}
	code, _, errOut = run("nosuchcommand")
	if code != 1 || !strings.Contains(errOut, "nosuchcommand") {
		t.Errorf("unknown command: %d %s", code, errOut)
	}
	code, out, _ = run("completion", "bash")
	if code != 0 || !strings.Contains(out, "complete -F _crictl crictl") || !strings.Contains(out, "inspectp") {
		t.Errorf("completion: %d", code)
	}
	code, out, _ = run("--version")
	if code != 0 || !strings.HasPrefix(out, "crictl version ") {
		t.Errorf("--version: %q", out)
	}
}

func TestConfigCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "crictl.yaml")
	os.WriteFile(cfg, []byte("runtime-endpoint: unix:///run/containerd/containerd.sock\ntimeout: 10\n"), 0o644)
	run := func(args ...string) (int, string) {
		var o, e bytes.Buffer
		c := &cli{stdout: &o, stderr: &e}
		code := c.main(append([]string{"-c", cfg}, args...))
		return code, o.String() + e.String()
	}
	if code, out := run("config", "--get", "timeout"); code != 0 || out != "10\n" {
		t.Errorf("get: %d %q", code, out)
	}
	if code, out := run("config", "--set", "debug=true,timeout=5"); code != 0 {
		t.Errorf("set: %d %q", code, out)
	}
	data, _ := os.ReadFile(cfg)
	if string(data) != "runtime-endpoint: unix:///run/containerd/containerd.sock\ntimeout: 5\ndebug: true\n" {
		t.Errorf("file after set: %q", data)
	}
	if code, out := run("config", "image-endpoint", "unix:///x.sock"); code != 0 || !strings.Contains(mustRead(cfg), "image-endpoint: unix:///x.sock") {
		t.Errorf("positional set: %d %q", code, out)
	}
	if code, _ := run("config", "--get", "nope"); code != 1 {
		t.Error("unknown key must fail")
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
