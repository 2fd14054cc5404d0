package main

import (
	"time"

	"github.com/urfave/cli/v2"
)

// parsed is one command's parsed command line: urfave/cli's context and the positional arguments.
type parsed struct {
	ctx  *cli.Context
	args []string
}

func (p *parsed) Bool(name string) bool              { return p.ctx.Bool(name) }
func (p *parsed) String(name string) string          { return p.ctx.String(name) }
func (p *parsed) Slice(name string) []string         { return p.ctx.StringSlice(name) }
func (p *parsed) IsSet(name string) bool             { return p.ctx.IsSet(name) }
func (p *parsed) Duration(name string) time.Duration { return p.ctx.Duration(name) }

// Int reads an IntFlag or an Int64Flag (upstream uses both, flag by flag).
func (p *parsed) Int(name string) int64 {
	switch v := p.ctx.Value(name).(type) {
	case int:
		return int64(v)
	case int64:
		return v
	}
	return 0
}

// showHelp prints the command's help and succeeds, which is what upstream does when a command
// gets the wrong number of arguments.
func (p *parsed) showHelp() error { return cli.ShowSubcommandHelp(p.ctx) }

// The flags several commands share, worded as upstream.
func outputFlag(def, formats string) cli.Flag {
	return &cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "Output format, One of: " + formats, Value: def}
}

func templateFlag() cli.Flag {
	return &cli.StringFlag{Name: "template", Usage: "The template string is only used when output is go-template; The Template format is golang template"}
}

func quietStatusFlag() cli.Flag {
	return &cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "Do not show verbose information"}
}

// pullFlags are upstream's registry credentials for pull, create and run (with their environment
// variables).
func pullFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "creds", EnvVars: []string{"CRICTL_CREDS"}, Usage: "Use `USERNAME[:PASSWORD]` for accessing the registry"},
		&cli.StringFlag{Name: "auth", EnvVars: []string{"CRICTL_AUTH"}, Usage: "Use `AUTH_STRING` for accessing the registry. AUTH_STRING is a base64 encoded 'USERNAME[:PASSWORD]'"},
		&cli.StringFlag{Name: "username", Aliases: []string{"u"}, Usage: "Use `USERNAME` for accessing the registry. The password will be requested on the command line"},
		&cli.DurationFlag{Name: "pull-timeout", Aliases: []string{"pt"}, EnvVars: []string{"CRICTL_PULL_TIMEOUT"}, Usage: "Maximum time to be used for pulling the image, disabled if set to 0s"},
	}
}

// cancelTimeoutFlag bounds create and run requests, as upstream's.
func cancelTimeoutFlag() cli.Flag {
	return &cli.DurationFlag{Name: "cancel-timeout", Aliases: []string{"T"}, Usage: "Seconds to wait for the request to complete before cancelling"}
}
