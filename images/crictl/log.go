package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// logger writes what upstream crictl writes through logrus' default text formatter, so messages
// look the same: on a terminal "WARN[0000] message" (level coloured, the message padded to 44
// columns, seconds since start in brackets), otherwise key=value pairs:
// time="2006-01-02T15:04:05Z07:00" level=warning msg="message".
type logger struct {
	out   io.Writer
	start time.Time
	debug bool
	now   func() time.Time
}

func newLogger(out io.Writer) *logger {
	return &logger{out: out, start: time.Now(), now: time.Now}
}

// Colours and names as logrus has them.
var logLevels = map[string]struct {
	short string
	color int
}{
	"debug":   {"DEBU", 37},
	"info":    {"INFO", 36},
	"warning": {"WARN", 33},
	"error":   {"ERRO", 31},
}

func (l *logger) write(level, msg string) {
	msg = strings.TrimSuffix(msg, "\n")
	now := l.now()
	if isTerminal(l.out) {
		lv := logLevels[level]
		fmt.Fprintf(l.out, "\x1b[%dm%s\x1b[0m[%04d] %-44s \n", lv.color, lv.short, int(now.Sub(l.start)/time.Second), msg)
		return
	}
	fmt.Fprintf(l.out, "time=%s level=%s msg=%s\n", logfmtValue(now.Format(time.RFC3339)), level, logfmtValue(msg))
}

// logfmtValue quotes a value as logrus does: only when it holds a character outside
// [A-Za-z0-9-._/@^+].
func logfmtValue(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._/@^+", r)) {
			return fmt.Sprintf("%q", s)
		}
	}
	return s
}

func (l *logger) debugf(format string, a ...any) {
	if l.debug {
		l.write("debug", fmt.Sprintf(format, a...))
	}
}
func (l *logger) infof(format string, a ...any)  { l.write("info", fmt.Sprintf(format, a...)) }
func (l *logger) warnf(format string, a ...any)  { l.write("warning", fmt.Sprintf(format, a...)) }
func (l *logger) errorf(format string, a ...any) { l.write("error", fmt.Sprintf(format, a...)) }
