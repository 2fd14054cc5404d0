package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// A small YAML reader for what crictl reads: its config file and pod/container configs written in
// YAML (block mappings and sequences, plain and quoted scalars, comments, JSON-style flow
// collections). Anchors, tags and multi-line scalars are not supported and are reported as errors.

type yline struct {
	indent int
	text   string
	num    int
}

// yamlToJSON converts a YAML (or JSON) document to JSON text.
func yamlToJSON(data []byte) ([]byte, error) {
	s := strings.TrimSpace(string(data))
	if strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err == nil {
			return []byte(s), nil
		}
	}
	var lines []yline
	for i, raw := range strings.Split(string(data), "\n") {
		raw = strings.TrimRight(raw, " \t\r")
		t := strings.TrimLeft(raw, " ")
		if t == "" || strings.HasPrefix(t, "#") || t == "---" {
			continue
		}
		if strings.HasPrefix(t, "\t") {
			return nil, fmt.Errorf("yaml: line %d: found a tab character where an indentation space is expected", i+1)
		}
		lines = append(lines, yline{indent: len(raw) - len(t), text: stripComment(t), num: i + 1})
	}
	if len(lines) == 0 {
		return []byte("null"), nil
	}
	y := &yparser{lines: lines}
	v, err := y.block(lines[0].indent)
	if err != nil {
		return nil, err
	}
	if y.pos < len(y.lines) {
		return nil, fmt.Errorf("yaml: line %d: unexpected content %q", y.lines[y.pos].num, y.lines[y.pos].text)
	}
	return json.Marshal(v)
}

// stripComment removes a trailing " # comment" outside quotes.
func stripComment(s string) string {
	inS, inD := false, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'':
			if !inD {
				inS = !inS
			}
		case '"':
			if !inS && (i == 0 || s[i-1] != '\\') {
				inD = !inD
			}
		case '#':
			if !inS && !inD && i > 0 && (s[i-1] == ' ' || s[i-1] == '\t') {
				return strings.TrimRight(s[:i], " \t")
			}
		}
	}
	return s
}

type yparser struct {
	lines []yline
	pos   int
}

func (y *yparser) block(indent int) (any, error) {
	l := y.lines[y.pos]
	if l.text == "-" || strings.HasPrefix(l.text, "- ") {
		return y.seq(indent)
	}
	if _, _, ok := splitKey(l.text); ok {
		return y.mapping(indent)
	}
	y.pos++
	return scalar(l.text, l.num)
}

func (y *yparser) seq(indent int) (any, error) {
	out := []any{}
	for y.pos < len(y.lines) {
		l := y.lines[y.pos]
		if l.indent != indent || !(l.text == "-" || strings.HasPrefix(l.text, "- ")) {
			if l.indent > indent {
				return nil, fmt.Errorf("yaml: line %d: bad indentation of a sequence entry", l.num)
			}
			break
		}
		rest := strings.TrimLeft(strings.TrimPrefix(l.text, "-"), " ")
		if rest == "" {
			y.pos++
			if y.pos < len(y.lines) && y.lines[y.pos].indent > indent {
				v, err := y.block(y.lines[y.pos].indent)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			} else {
				out = append(out, nil)
			}
			continue
		}
		if _, _, ok := splitKey(rest); ok && !strings.HasPrefix(rest, "{") && !strings.HasPrefix(rest, "[") && !strings.HasPrefix(rest, "\"") {
			// "- key: value" starts a mapping indented to where "key" stands.
			inner := indent + (len(l.text) - len(rest))
			y.lines[y.pos] = yline{indent: inner, text: rest, num: l.num}
			v, err := y.mapping(inner)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			continue
		}
		y.pos++
		v, err := scalar(rest, l.num)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (y *yparser) mapping(indent int) (any, error) {
	out := map[string]any{}
	for y.pos < len(y.lines) {
		l := y.lines[y.pos]
		if l.indent < indent {
			break
		}
		if l.indent > indent {
			return nil, fmt.Errorf("yaml: line %d: mapping values are not allowed in this context", l.num)
		}
		k, v, ok := splitKey(l.text)
		if !ok {
			if l.text == "-" || strings.HasPrefix(l.text, "- ") {
				break
			}
			return nil, fmt.Errorf("yaml: line %d: could not find expected ':'", l.num)
		}
		key, err := scalar(k, l.num)
		if err != nil {
			return nil, err
		}
		ks := fmt.Sprint(key)
		y.pos++
		if v != "" {
			sv, err := scalar(v, l.num)
			if err != nil {
				return nil, err
			}
			out[ks] = sv
			continue
		}
		// The value is the nested block, if any (a sequence may sit at the key's own indentation).
		if y.pos < len(y.lines) {
			n := y.lines[y.pos]
			isSeq := n.text == "-" || strings.HasPrefix(n.text, "- ")
			if n.indent > indent || (n.indent == indent && isSeq) {
				nv, err := y.block(n.indent)
				if err != nil {
					return nil, err
				}
				out[ks] = nv
				continue
			}
		}
		out[ks] = nil
	}
	return out, nil
}

// splitKey splits "key: value" (or "key:"), honouring quoted keys.
func splitKey(s string) (string, string, bool) {
	if strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
		return "", "", false
	}
	start := 0
	if s != "" && (s[0] == '"' || s[0] == '\'') {
		end := strings.IndexByte(s[1:], s[0])
		if end < 0 {
			return "", "", false
		}
		start = end + 2
	}
	for i := start; i < len(s); i++ {
		if s[i] == ':' && (i == len(s)-1 || s[i+1] == ' ') {
			return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:]), true
		}
	}
	return "", "", false
}

// scalar reads one YAML scalar (or a JSON-style flow collection).
func scalar(s string, num int) (any, error) {
	switch {
	case s == "" || s == "~" || s == "null" || s == "Null" || s == "NULL":
		return nil, nil
	case strings.HasPrefix(s, "{") || strings.HasPrefix(s, "["):
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return nil, fmt.Errorf("yaml: line %d: only JSON-style flow collections are supported: %v", num, err)
		}
		return v, nil
	case strings.HasPrefix(s, "\""):
		v, err := strconv.Unquote(s)
		if err != nil {
			return nil, fmt.Errorf("yaml: line %d: bad double-quoted string %s", num, s)
		}
		return v, nil
	case strings.HasPrefix(s, "'"):
		if len(s) < 2 || !strings.HasSuffix(s, "'") {
			return nil, fmt.Errorf("yaml: line %d: bad single-quoted string %s", num, s)
		}
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'"), nil
	case strings.HasPrefix(s, "&") || strings.HasPrefix(s, "*") || strings.HasPrefix(s, "!") || s == "|" || s == ">" || strings.HasPrefix(s, "|-") || strings.HasPrefix(s, ">-"):
		return nil, fmt.Errorf("yaml: line %d: anchors, tags and block scalars are not supported by this crictl; write the file as JSON", num)
	}
	switch s {
	case "true", "True", "TRUE":
		return true, nil
	case "false", "False", "FALSE":
		return false, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "xXnN_") {
		return f, nil
	}
	return s, nil
}

// parseConfig reads crictl.yaml: a flat mapping of settings.
func parseConfig(data string) (map[string]string, error) {
	js, err := yamlToJSON([]byte(data))
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, fmt.Errorf("the config file is not a mapping of settings")
	}
	out := map[string]string{}
	for k, v := range m {
		if v == nil {
			out[k] = ""
			continue
		}
		out[k] = fmt.Sprint(v)
	}
	return out, nil
}
