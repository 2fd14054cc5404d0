package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"text/tabwriter"
	"text/template"
	"time"

	"github.com/urfave/cli/v2"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

const truncatedIDLen = 13

// truncateID shortens an ID for tables, as crictl does: the prefix (e.g. "sha256:") dropped, 13 characters kept.
func truncateID(id, prefix string) string {
	id = strings.TrimPrefix(id, prefix)
	if len(id) > truncatedIDLen {
		id = id[:truncatedIDLen]
	}
	return id
}

// table is crictl's table layout: tab-separated cells, minimum width 20, padding 3.
type table struct{ w *tabwriter.Writer }

func newTable(out io.Writer) *table  { return &table{tabwriter.NewWriter(out, 20, 1, 3, ' ', 0)} }
func (t *table) row(cells ...string) { fmt.Fprintln(t.w, strings.Join(cells, "\t")) }
func (t *table) flush()              { t.w.Flush() }

// protoJSON renders a CRI message as crictl does (protojson, default values included), with
// stable two-space indentation.
func protoJSON(m proto.Message) (string, error) {
	raw, err := protojson.MarshalOptions{EmitDefaultValues: true}.Marshal(m)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// printProto prints a message in one of the structured formats (json, yaml, go-template).
func printProto(out io.Writer, m proto.Message, format, tmpl string) error {
	js, err := protoJSON(m)
	if err != nil {
		return err
	}
	return printJSONText(out, js, format, tmpl)
}

// printJSONText prints JSON text as json, yaml or through a Go template.
func printJSONText(out io.Writer, js, format, tmpl string) error {
	switch format {
	case "json":
		var buf bytes.Buffer
		if err := json.Indent(&buf, []byte(js), "", "  "); err != nil {
			return err
		}
		fmt.Fprintln(out, buf.String())
	case "yaml":
		y, err := jsonToYAML([]byte(js))
		if err != nil {
			return err
		}
		fmt.Fprintln(out, y) // upstream prints the converted text with Println: it ends in a blank line
	case "go-template":
		s, err := execTemplate(tmpl, js)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, s)
	default:
		return fmt.Errorf("unsupported output format %q", format)
	}
	return nil
}

// checkFormat validates -o; table is allowed where the command has a table.
func checkFormat(format string, tableOK bool) error {
	switch format {
	case "json", "yaml", "go-template":
		return nil
	case "table", "":
		if tableOK {
			return nil
		}
	}
	return fmt.Errorf("unsupported output format %q", format)
}

// templateFuncs are the helpers crictl's templates offer.
var templateFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
}

// execTemplate runs a Go template over JSON data (decoded into maps, as crictl does).
func execTemplate(tmpl, js string) (string, error) {
	if tmpl == "" {
		return "", fmt.Errorf("--template is required with -o go-template")
	}
	t, err := template.New("tmpl").Funcs(templateFuncs).Parse(tmpl)
	if err != nil {
		return "", fmt.Errorf("parse template: %w", err)
	}
	var data any
	dec := json.NewDecoder(strings.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(&data); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("execute template: %w", err)
	}
	return buf.String(), nil
}

// humanDuration is docker/go-units' HumanDuration, which crictl's CREATED column uses.
func humanDuration(d time.Duration) string {
	if seconds := int(d.Seconds()); seconds < 1 {
		return "Less than a second"
	} else if seconds == 1 {
		return "1 second"
	} else if seconds < 60 {
		return fmt.Sprintf("%d seconds", seconds)
	} else if minutes := int(d.Minutes()); minutes == 1 {
		return "About a minute"
	} else if minutes < 60 {
		return fmt.Sprintf("%d minutes", minutes)
	} else if hours := int(math.Round(d.Hours())); hours == 1 {
		return "About an hour"
	} else if hours < 48 {
		return fmt.Sprintf("%d hours", hours)
	} else if hours < 24*7*2 {
		return fmt.Sprintf("%d days", hours/24)
	} else if hours < 24*30*2 {
		return fmt.Sprintf("%d weeks", hours/24/7)
	} else if hours < 24*365*2 {
		return fmt.Sprintf("%d months", hours/24/30)
	}
	return fmt.Sprintf("%d years", int(d.Hours())/24/365)
}

// ago renders a CRI timestamp (nanoseconds) the way the CREATED column shows it.
func ago(ns int64, now time.Time) string {
	return humanDuration(now.Sub(time.Unix(0, ns))) + " ago"
}

// humanSize is go-units' HumanSizeWithPrecision(size, 3): decimal units, 3 significant digits.
func humanSize(size float64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"}
	i := 0
	for size >= 1000 && i < len(units)-1 {
		size /= 1000
		i++
	}
	return fmt.Sprintf("%.*g%s", 3, size, units[i])
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// service says which CRI service a command talks to.
type service int

const (
	runtimeService service = iota
	imagesService
)

// statusResult is one object's answer to inspect, inspectp or inspecti.
type statusResult struct {
	status proto.Message
	info   map[string]string
	table  func()
}

// statusCommand builds inspect, inspectp and inspecti: resolve each argument, ask for its status,
// then print the tables or crictl's {"info": ..., "status": ...} documents.
func statusCommand(cmd *cli.Command, fetch func(c *session, arg string, verbose bool) (*statusResult, error), svc service) *cli.Command {
	cmd.UseShortOptionHandling = true
	cmd.Flags = append([]cli.Flag{outputFlag("", "json|yaml|go-template|table"), quietStatusFlag(), templateFlag()}, cmd.Flags...)
	cmd.Action = action(func(c *session, p *parsed) error {
		if len(p.args) == 0 {
			return p.showHelp()
		}
		format := p.String("output")
		if format == "" {
			format = "json"
		}
		if err := checkFormat(format, true); err != nil {
			return err
		}
		var err error
		if svc == imagesService {
			_, err = c.images()
		} else {
			_, err = c.runtime()
		}
		if err != nil {
			return err
		}
		var all []statusEntry
		for _, a := range p.args {
			r, err := fetch(c, a, !p.Bool("quiet"))
			if err != nil {
				return err
			}
			if format == "table" {
				r.table()
				continue
			}
			js, err := protoJSON(r.status)
			if err != nil {
				return err
			}
			all = append(all, statusEntry{status: js, info: r.info})
		}
		return outputStatus(c.stdout, all, format, p.String("template"))
	})
	return cmd
}
