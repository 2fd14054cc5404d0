package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"
)

// removeSpec is what rm and rmp differ in; removeCommand does the rest the same way for both.
type removeSpec struct {
	name, usage, args string
	what, plural      string // "container", "containers"
	all               func(c *session) ([]string, error)
	resolve           func(c *session, arg string) (string, error)
	running           func(c *session, id string) (bool, error)
	stop              func(c *session, id string) error
	remove            func(c *session, id string) error
	removed           func(id string) string // the line printed for each one removed
}

func removeCommand(s removeSpec) *cli.Command {
	return &cli.Command{
		Name: s.name, Usage: s.usage, ArgsUsage: s.args,
		UseShortOptionHandling: true,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "Force removal of the " + s.what + ", disregarding if running"},
			&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "Remove all " + s.plural},
		},
		Action: action(func(c *session, p *parsed) error {
			if _, err := c.runtime(); err != nil {
				return err
			}
			ids := p.args
			if p.Bool("all") {
				var err error
				if ids, err = s.all(c); err != nil {
					return err
				}
				if len(ids) == 0 {
					c.log.infof("No %s to remove", s.plural)
					return nil
				}
			}
			if len(ids) == 0 {
				return p.showHelp()
			}
			// Like crictl: carry on with the rest after a failure, and report every failure.
			var errs []error
			for _, a := range ids {
				if err := s.removeOne(c, a, p.Bool("force")); err != nil {
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		}),
	}
}

func (s removeSpec) removeOne(c *session, arg string, force bool) error {
	id, err := s.resolve(c, arg)
	if err != nil {
		return err
	}
	running, err := s.running(c, id)
	if err != nil {
		return fmt.Errorf("getting the status of the %s %q: %w", s.what, arg, err)
	}
	if running {
		if !force {
			return fmt.Errorf("%s %q is running, please stop it first", s.what, id)
		}
		if err := s.stop(c, id); err != nil {
			return fmt.Errorf("stopping the %s %q: %w", s.what, id, err)
		}
	}
	if err := s.remove(c, id); err != nil {
		return fmt.Errorf("removing the %s %q: %w", s.what, arg, err)
	}
	fmt.Fprintln(c.stdout, s.removed(id))
	return nil
}
