package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	pb "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// A CRI log line: "2016-10-06T00:17:09.669794202Z stdout F log content" (P marks a partial line).
type logLine struct {
	ts      time.Time
	stream  string
	partial bool
	content []byte
}

func parseCRILogLine(b []byte) (logLine, error) {
	var l logLine
	parts := bytes.SplitN(b, []byte(" "), 4)
	if len(parts) < 3 {
		return l, fmt.Errorf("invalid CRI log line %q", b)
	}
	ts, err := time.Parse(time.RFC3339Nano, string(parts[0]))
	if err != nil {
		return l, fmt.Errorf("unexpected timestamp in CRI log line: %v", err)
	}
	l.ts = ts
	l.stream = string(parts[1])
	if l.stream != "stdout" && l.stream != "stderr" {
		return l, fmt.Errorf("unexpected stream %q in CRI log line", l.stream)
	}
	l.partial = string(parts[2]) == "P"
	if len(parts) == 4 {
		l.content = parts[3]
	}
	return l, nil
}

// parseSince reads --since: an RFC 3339 timestamp or a duration before now.
func parseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04:05", s, time.Local); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("--since: %q is neither a timestamp (2013-01-02T13:23:37 or RFC 3339) nor a duration (42m)", s)
}

type logOptions struct {
	tail       int64 // -1: all
	limitBytes int64 // -1: no limit
	since      time.Time
	timestamps bool
	stream     string
}

// writeLogs copies CRI log lines from r to stdout/stderr per the options; returns the bytes written.
func writeLogs(r io.Reader, opts logOptions, stdout, stderr io.Writer, written *int64) error {
	br := bufio.NewReaderSize(r, 64*1024)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			if werr := writeLogLine(bytes.TrimSuffix(line, []byte("\n")), opts, stdout, stderr, written); werr != nil {
				return werr
			}
		} else if len(line) > 0 {
			return errPartial{line}
		}
		if err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

type errPartial struct{ rest []byte }

func (errPartial) Error() string { return "partial line" }

var errLimit = errors.New("limit reached")

func writeLogLine(b []byte, opts logOptions, stdout, stderr io.Writer, written *int64) error {
	l, err := parseCRILogLine(b)
	if err != nil {
		return nil // skip what is not a CRI log line
	}
	if !opts.since.IsZero() && l.ts.Before(opts.since) {
		return nil
	}
	if opts.stream != "" && opts.stream != l.stream {
		return nil
	}
	w := stdout
	if l.stream == "stderr" {
		w = stderr
	}
	out := l.content
	if !l.partial {
		out = append(append([]byte{}, out...), '\n')
	}
	if opts.timestamps {
		out = append([]byte(l.ts.Format(time.RFC3339Nano)+" "), out...)
	}
	if opts.limitBytes >= 0 && *written+int64(len(out)) > opts.limitBytes {
		out = out[:opts.limitBytes-*written]
		w.Write(out)
		*written += int64(len(out))
		return errLimit
	}
	*written += int64(len(out))
	_, err = w.Write(out)
	return err
}

// tailStart finds the offset of the last n lines of a file.
func tailStart(f *os.File, n int64) (int64, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := st.Size()
	if n < 0 {
		return 0, nil
	}
	if n == 0 {
		return size, nil
	}
	const block = 4096
	var found int64
	pos := size
	buf := make([]byte, block)
	first := true
	for pos > 0 {
		step := int64(block)
		if pos < step {
			step = pos
		}
		pos -= step
		if _, err := f.ReadAt(buf[:step], pos); err != nil && err != io.EOF {
			return 0, err
		}
		for i := step - 1; i >= 0; i-- {
			if buf[i] != '\n' {
				continue
			}
			if first && pos+i == size-1 {
				continue // the file's final newline ends the last line
			}
			found++
			if found == n {
				return pos + i + 1, nil
			}
		}
		first = false
	}
	return 0, nil
}

func logsCommand(c *session, p *parsed) error {
	if len(p.args) == 0 || p.args[0] == "" {
		return errIDEmpty
	}
	if len(p.args) > 1 {
		return p.showHelp()
	}
	rt, err := c.runtime()
	if err != nil {
		return err
	}
	id, err := c.containerID(p.args[0])
	if err != nil {
		return err
	}
	if p.Bool("reopen") {
		if err := rt.ReopenContainerLog(c.ctx, id); err != nil {
			return fmt.Errorf("reopen container logs: %w", err)
		}
		c.log.infof("Container logs reopened")
	}
	st, err := rt.ContainerStatus(c.ctx, id, false)
	if err != nil {
		return fmt.Errorf("getting the status of the container %q: %w", p.args[0], err)
	}
	path := st.GetStatus().GetLogPath()
	if path == "" {
		// Upstream's words, then why: the runtime keeps a log file only when the pod config names a
		// log_directory and the container config a log_path (kubelet always sets both).
		return fmt.Errorf("the container has not set log path: the runtime writes a container's log only when its pod config sets log_directory and its container config sets log_path")
	}
	if p.Bool("previous") {
		// kubelet rotates the previous attempt's log to <attempt-1>.log beside this one.
		att := st.GetStatus().GetMetadata().GetAttempt()
		if att == 0 {
			return fmt.Errorf("previous terminated container %s not found", st.GetStatus().GetMetadata().GetName())
		}
		path = filepath.Join(filepath.Dir(path), strconv.FormatUint(uint64(att-1), 10)+".log")
	}
	since, err := parseSince(p.String("since"), time.Now())
	if err != nil {
		return err
	}
	opts := logOptions{tail: p.Int("tail"), limitBytes: p.Int("limit-bytes"), since: since, timestamps: p.Bool("timestamps"), stream: p.String("stream")}
	if opts.stream != "" && opts.stream != "stdout" && opts.stream != "stderr" {
		return fmt.Errorf(`invalid stream %q, must be "stdout" or "stderr"`, opts.stream)
	}
	if p.IsSet("tail") && p.IsSet("stream") {
		return errors.New("--tail and --stream are mutually exclusive")
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("failed to open log file %q: %w", path, err)
	}
	defer f.Close()
	off, err := tailStart(f, opts.tail)
	if err != nil {
		return err
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return err
	}
	var written int64
	var carry []byte
	for {
		r := io.Reader(f)
		if len(carry) > 0 {
			r = io.MultiReader(bytes.NewReader(carry), f)
			carry = nil
		}
		err := writeLogs(r, opts, c.stdout, c.stderr, &written)
		var pe errPartial
		if errors.As(err, &pe) {
			carry = pe.rest
		} else if errors.Is(err, errLimit) {
			return nil
		} else if err != nil {
			return err
		}
		if !p.Bool("follow") {
			if len(carry) > 0 {
				writeLogLine(carry, opts, c.stdout, c.stderr, &written)
			}
			return nil
		}
		// Follow until the container has exited and the file is drained.
		s, err := rt.ContainerStatus(c.ctx, id, false)
		if err != nil || s.GetStatus().GetState() != pb.ContainerState_CONTAINER_RUNNING {
			if st2, _ := f.Stat(); st2 != nil {
				if cur, _ := f.Seek(0, io.SeekCurrent); cur >= st2.Size() {
					return nil
				}
			}
			continue
		}
		time.Sleep(200 * time.Millisecond)
	}
}
