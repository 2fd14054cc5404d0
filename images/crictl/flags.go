package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// flagKind says how a flag takes its value.
type flagKind int

const (
	boolFlag flagKind = iota
	stringFlag
	intFlag
	sliceFlag // repeatable: every occurrence is kept
)

// flagDef describes one flag the way crictl's help shows it.
type flagDef struct {
	name  string // long name, without dashes
	short string // one letter, or ""
	kind  flagKind
	usage string
	def   string // default shown in help and returned when unset
}

// parsed is what a command line yields: flag values by long name, then the positional arguments.
type parsed struct {
	set    map[string]bool
	values map[string][]string
	defs   []flagDef
	args   []string
}

func (p *parsed) Bool(name string) bool {
	v := p.values[name]
	return len(v) > 0 && v[len(v)-1] == "true"
}

func (p *parsed) String(name string) string {
	if v := p.values[name]; len(v) > 0 {
		return v[len(v)-1]
	}
	for _, d := range p.defs {
		if d.name == name {
			return d.def
		}
	}
	return ""
}

func (p *parsed) Int(name string) int64 {
	n, _ := strconv.ParseInt(p.String(name), 10, 64)
	return n
}

func (p *parsed) Slice(name string) []string { return p.values[name] }

func (p *parsed) IsSet(name string) bool { return p.set[name] }

// parseFlags parses flags the way crictl's CLI library does: flags come before the positional
// arguments (everything from the first non-flag on is positional, so `exec ID sh -c ...` works),
// "--" ends the flags, short boolean flags combine (-it, -aq), values follow "=" or the next
// argument, and "-n5" gives a short flag its value in place.
func parseFlags(defs []flagDef, argv []string) (*parsed, error) {
	p := &parsed{set: map[string]bool{}, values: map[string][]string{}, defs: defs}
	byLong := map[string]*flagDef{}
	byShort := map[string]*flagDef{}
	for i := range defs {
		byLong[defs[i].name] = &defs[i]
		if defs[i].short != "" {
			byShort[defs[i].short] = &defs[i]
		}
	}
	put := func(d *flagDef, v string) error {
		switch d.kind {
		case intFlag:
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				return fmt.Errorf("invalid value %q for flag -%s: parse error", v, d.name)
			}
		case boolFlag:
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("invalid boolean value %q for -%s: parse error", v, d.name)
			}
			v = strconv.FormatBool(b)
		}
		p.set[d.name] = true
		if d.kind == sliceFlag {
			p.values[d.name] = append(p.values[d.name], v)
		} else {
			p.values[d.name] = []string{v}
		}
		return nil
	}
	i := 0
	for ; i < len(argv); i++ {
		a := argv[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		if strings.HasPrefix(a, "--") {
			name, val, hasVal := strings.Cut(a[2:], "=")
			d := byLong[name]
			if d == nil && len(name) == 1 {
				d = byShort[name]
			}
			if d == nil {
				return nil, fmt.Errorf("flag provided but not defined: -%s", name)
			}
			if d.kind == boolFlag {
				if !hasVal {
					val = "true"
				}
			} else if !hasVal {
				if i+1 >= len(argv) {
					return nil, fmt.Errorf("flag needs an argument: -%s", name)
				}
				i++
				val = argv[i]
			}
			if err := put(d, val); err != nil {
				return nil, err
			}
			continue
		}
		// Short flags: -i, -it, -n5, -n 5, -o=json, or a long name with one dash (-output json).
		body := a[1:]
		if name, val, ok := strings.Cut(body, "="); ok {
			d := byShort[name]
			if d == nil {
				d = byLong[name]
			}
			if d == nil {
				return nil, fmt.Errorf("flag provided but not defined: -%s", name)
			}
			if err := put(d, val); err != nil {
				return nil, err
			}
			continue
		}
		if d := byLong[body]; d != nil && len(body) > 1 {
			if d.kind == boolFlag {
				if err := put(d, "true"); err != nil {
					return nil, err
				}
				continue
			}
			if i+1 >= len(argv) {
				return nil, fmt.Errorf("flag needs an argument: -%s", body)
			}
			i++
			if err := put(d, argv[i]); err != nil {
				return nil, err
			}
			continue
		}
		for j := 0; j < len(body); j++ {
			d := byShort[body[j:j+1]]
			if d == nil {
				return nil, fmt.Errorf("flag provided but not defined: -%s", body[j:])
			}
			if d.kind == boolFlag {
				if err := put(d, "true"); err != nil {
					return nil, err
				}
				continue
			}
			val := body[j+1:]
			if val == "" {
				if i+1 >= len(argv) {
					return nil, fmt.Errorf("flag needs an argument: -%s", d.short)
				}
				i++
				val = argv[i]
			}
			if err := put(d, val); err != nil {
				return nil, err
			}
			break
		}
	}
	p.args = append([]string{}, argv[i:]...)
	return p, nil
}

// flagHelp renders the OPTIONS section of a help page.
func flagHelp(defs []flagDef) string {
	sorted := append([]flagDef{}, defs...)
	sort.SliceStable(sorted, func(a, b int) bool { return sorted[a].name < sorted[b].name })
	var rows [][2]string
	width := 0
	for _, d := range sorted {
		left := "--" + d.name
		if d.short != "" {
			left += ", -" + d.short
		}
		if d.kind != boolFlag {
			left += " value"
		}
		right := d.usage
		if d.def != "" && d.kind != boolFlag {
			right += fmt.Sprintf(" (default: %q)", d.def)
		}
		if d.kind == sliceFlag {
			right += " [ --" + d.name + " value ]"
		}
		rows = append(rows, [2]string{left, right})
		if len(left) > width {
			width = len(left)
		}
	}
	rows = append(rows, [2]string{"--help, -h", "show help"})
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "   %-*s  %s\n", width, r[0], r[1])
	}
	return b.String()
}
