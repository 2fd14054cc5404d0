package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"gopkg.in/yaml.v3"
)

// YAML, as upstream crictl reads and writes it: pod and container configs are YAML (JSON is YAML
// too) with the CRI's JSON field names, converted to JSON and decoded with encoding/json
// (sigs.k8s.io/yaml's way); -o yaml is the JSON output converted to YAML; crictl.yaml is a flat
// mapping of settings kept as a yaml.Node, so that `crictl config --set` keeps the file's comments.

// yamlToJSON converts a YAML (or JSON) document to JSON. Mapping keys that are not strings
// (numbers, booleans) become their text, as sigs.k8s.io/yaml does.
func yamlToJSON(data []byte) ([]byte, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	v, err := jsonCompatible(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func jsonCompatible(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			c, err := jsonCompatible(e)
			if err != nil {
				return nil, err
			}
			t[k] = c
		}
		return t, nil
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			c, err := jsonCompatible(e)
			if err != nil {
				return nil, err
			}
			switch key := k.(type) {
			case string:
				out[key] = c
			case int, int64, uint64, float64, bool:
				out[fmt.Sprint(key)] = c
			default:
				return nil, fmt.Errorf("yaml: a mapping key of type %T cannot become a JSON field name", k)
			}
		}
		return out, nil
	case []any:
		for i, e := range t {
			c, err := jsonCompatible(e)
			if err != nil {
				return nil, err
			}
			t[i] = c
		}
		return t, nil
	}
	return v, nil
}

// jsonToYAML converts JSON to block-style YAML as upstream's -o yaml prints it (sigs.k8s.io/yaml's
// JSONToYAML): two-space indentation, sequences not indented under their key, keys sorted, integers
// kept as integers.
func jsonToYAML(js []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	enc.CompactSeqIndent()
	if err := enc.Encode(yamlNumbers(v)); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// yamlNumbers turns json.Number (a string to the YAML encoder, which would quote it) into an
// integer or a float.
func yamlNumbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = yamlNumbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = yamlNumbers(e)
		}
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return n
		}
		if f, err := t.Float64(); err == nil {
			return f
		}
		return t.String()
	}
	return v
}

// The settings crictl.yaml holds, in the order `crictl config` writes them.
const (
	optRuntimeEndpoint   = "runtime-endpoint"
	optImageEndpoint     = "image-endpoint"
	optTimeout           = "timeout"
	optDebug             = "debug"
	optPullImageOnCreate = "pull-image-on-create"
	optDisablePullOnRun  = "disable-pull-on-run"
	optMaxRetries        = "max-retries"
)

var configOptions = []string{optRuntimeEndpoint, optImageEndpoint, optTimeout, optDebug, optPullImageOnCreate, optDisablePullOnRun, optMaxRetries}

// fileConfig is crictl.yaml. MaxRetries is read and written for upstream's files' sake; this crictl
// connects once (see README.md).
type fileConfig struct {
	RuntimeEndpoint   string
	ImageEndpoint     string
	Timeout           int
	Debug             bool
	PullImageOnCreate bool
	DisablePullOnRun  bool
	MaxRetries        int
	doc               *yaml.Node
}

func readConfigFile(path string) (*fileConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseConfig(data)
}

// parseConfig reads crictl.yaml as upstream does: every key must be a known option, and values of
// the wrong type are errors.
func parseConfig(data []byte) (*fileConfig, error) {
	doc := &yaml.Node{}
	if err := yaml.Unmarshal(data, doc); err != nil {
		return nil, err
	}
	cfg := &fileConfig{doc: doc}
	if len(doc.Content) == 0 || doc.Content[0].Content == nil {
		return cfg, nil
	}
	if doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the config file must be a mapping of options (runtime-endpoint: ..., timeout: ...)")
	}
	items := doc.Content[0].Content
	for i := 0; i+1 < len(items); i += 2 {
		name, value := items[i].Value, items[i+1].Value
		if _, err := cfg.get(name); err != nil {
			return nil, fmt.Errorf("Config option '%s' is not valid", name)
		}
		if err := cfg.set(name, value); err != nil {
			return nil, fmt.Errorf("parsing config option '%s': %w", name, err)
		}
	}
	return cfg, nil
}

// set assigns one option from its text, as both the file and `crictl config --set` give it.
func (cfg *fileConfig) set(name, value string) error {
	var err error
	switch name {
	case optRuntimeEndpoint:
		cfg.RuntimeEndpoint = value
	case optImageEndpoint:
		cfg.ImageEndpoint = value
	case optTimeout:
		cfg.Timeout, err = strconv.Atoi(value)
	case optDebug:
		cfg.Debug, err = strconv.ParseBool(value)
	case optPullImageOnCreate:
		cfg.PullImageOnCreate, err = strconv.ParseBool(value)
	case optDisablePullOnRun:
		cfg.DisablePullOnRun, err = strconv.ParseBool(value)
	case optMaxRetries:
		cfg.MaxRetries, err = strconv.Atoi(value)
	default:
		return fmt.Errorf("no configuration option named %s", name)
	}
	return err
}

// setChecked is set with upstream's messages for `crictl config`.
func (cfg *fileConfig) setChecked(name, value string) error {
	if _, err := cfg.get(name); err != nil {
		return err
	}
	if err := cfg.set(name, value); err != nil {
		return fmt.Errorf("parse %s value '%s': %w", name, value, err)
	}
	return nil
}

// get is an option's value as `crictl config --get` prints it.
func (cfg *fileConfig) get(name string) (string, error) {
	switch name {
	case optRuntimeEndpoint:
		return cfg.RuntimeEndpoint, nil
	case optImageEndpoint:
		return cfg.ImageEndpoint, nil
	case optTimeout:
		return strconv.Itoa(cfg.Timeout), nil
	case optDebug:
		return strconv.FormatBool(cfg.Debug), nil
	case optPullImageOnCreate:
		return strconv.FormatBool(cfg.PullImageOnCreate), nil
	case optDisablePullOnRun:
		return strconv.FormatBool(cfg.DisablePullOnRun), nil
	case optMaxRetries:
		return strconv.Itoa(cfg.MaxRetries), nil
	}
	return "", fmt.Errorf("no configuration option named %s", name)
}

// marshal writes every option back into the document it was read from (comments and order kept,
// new options appended), as upstream's `crictl config` does.
func (cfg *fileConfig) marshal() ([]byte, error) {
	if cfg.doc == nil || len(cfg.doc.Content) == 0 {
		cfg.doc = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	m := cfg.doc.Content[0]
	for _, name := range configOptions {
		value, _ := cfg.get(name)
		found := false
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == name {
				m.Content[i+1].Value = value
				found = true
			}
		}
		if found {
			continue
		}
		tag := "!!str"
		switch name {
		case optTimeout, optMaxRetries:
			tag = "!!int"
		case optDebug, optPullImageOnCreate, optDisablePullOnRun:
			tag = "!!bool"
		}
		m.Content = append(m.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value})
	}
	return yaml.Marshal(cfg.doc)
}

func writeConfigFile(cfg *fileConfig, path string) error {
	data, err := cfg.marshal()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}
