package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/expectspec/expectspec/harness/target"
)

// parseFlags parses args with fs and turns what the flag package reports (an error line and then
// the whole usage) into one line that says what is wrong and what is expected; expect maps a
// flag's name to what its value must be. -h prints the usage and returns flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer, expect map[string]string) error {
	usage := fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	fs.Usage = usage
	if err == nil {
		return nil
	}
	if errors.Is(err, flag.ErrHelp) {
		if usage != nil {
			usage()
		} else {
			fs.PrintDefaults()
		}
		return err
	}
	help := fmt.Sprintf(`run "expectspec %s -h" for the flags`, fs.Name())
	msg := err.Error()
	if m := invalidValue.FindStringSubmatch(msg); m != nil {
		name, value := m[2], m[1]
		want := expect[name]
		if want == "" {
			want = "a valid value"
		}
		return fmt.Errorf("--%s %q is not valid: expected %s", name, value, want)
	}
	if m := invalidBool.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("-%s=%s is not valid: expected -%s alone, or -%s=true or -%s=false", m[2], m[1], m[2], m[2], m[2])
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return fmt.Errorf("%s has no flag --%s; %s", fs.Name(), name, help)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		want := expect[name]
		if want == "" {
			want = "a value"
		}
		return fmt.Errorf("--%s needs a value: %s; %s", name, want, help)
	}
	return fmt.Errorf("%s; %s", msg, help)
}

var (
	invalidValue = regexp.MustCompile(`^invalid value "(.*)" for flag -([^:]+):`)
	invalidBool  = regexp.MustCompile(`^invalid boolean value "(.*)" for -([^:]+):`)
)

// checkHostPort checks an address given as host:port, like 127.0.0.1:9000.
func checkHostPort(flagName, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return fmt.Errorf("--%s %q is not a host:port: expected one like 127.0.0.1:9000", flagName, addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("--%s %q is not a host:port: expected a port from 0 (any free port) to 65535", flagName, addr)
	}
	return nil
}

// securityFlags reads --ca and --insecure, which apply to the https URLs among urls (--target
// and --gateway): a flag that would change nothing is refused rather than silently ignored.
func securityFlags(caFile string, insecure bool, urls []string) (target.Security, error) {
	if caFile == "" && !insecure {
		return target.Security{}, nil
	}
	if caFile != "" && insecure {
		return target.Security{}, fmt.Errorf("--ca and --insecure contradict each other: --insecure verifies nothing, --ca verifies against FILE; give one")
	}
	https := false
	for _, raw := range urls {
		if u, err := url.Parse(raw); err == nil && u.Scheme == "https" {
			https = true
		}
	}
	flagName := "--insecure"
	if caFile != "" {
		flagName = "--ca"
	}
	if !https {
		return target.Security{}, fmt.Errorf("%s applies to https:// URLs, and none was given", flagName)
	}
	if insecure {
		return target.Security{Insecure: true}, nil
	}
	pool, err := target.LoadCA(caFile)
	if err != nil {
		return target.Security{}, err
	}
	return target.Security{Roots: pool}, nil
}
