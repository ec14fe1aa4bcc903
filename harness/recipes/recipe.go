// Package recipes starts real HTTP implementations from committed config templates on loopback
// ports, for the compatibility matrix: how to install each (its Debian package), how to start it
// in the foreground, when it is ready, what version it is, and how to stop it, keeping its log.
//
// A recipe changes an implementation's defaults only where a case needs it, and says why in
// Notes: a published table is only as fair as its configs.
//
// It may import harness/conv (for the role a recipe plays), harness/certs (for a TLS recipe's
// throwaway certificate) and the standard library; never cases, suite or results.
package recipes

import (
	"bytes"
	"context"
	"crypto/x509"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/template"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

//go:embed configs
var configs embed.FS

// Roles a recipe can have; they are the target roles of the suite.
const (
	Origin  = conv.RoleOrigin
	Gateway = conv.RoleGateway
	Proxy   = conv.RoleProxy
)

// Recipe is one implementation in one role.
type Recipe struct {
	Name     string    // the column of the table, unique: "nginx", "nginx-gateway", "squid-proxy"
	Role     conv.Role // Origin, Gateway, Proxy or Client
	Software string    // what it is, for the results: "nginx"
	Packages []string  // the Debian packages that install it
	// Needs are what it runs: names of executables looked up in PATH, or absolute paths of files
	// that must exist. A missing one makes the recipe "not installed".
	Needs []string
	// Modules are the Python modules a recipe's app imports (Debian's python3 must import each):
	// python3 itself is on every Debian machine, so Needs alone would call a framework installed
	// when only the interpreter is.
	Modules []string
	// Notes say which settings differ from the implementation's defaults, and why.
	Notes string
	// Configs is the folder under configs/ whose files are copied into the instance's folder;
	// files ending in .tmpl are rendered with text/template (the Instance is the data, plus the
	// function port NAME, which allocates a further free loopback port) and lose the suffix.
	Configs string
	// Command is the argv that runs the implementation in the foreground (a server).
	Command func(in *Instance) []string
	// CommandLine is, for a client (role Client), the shell command `expectspec run --client`
	// is given, with {dir} for the folder its Configs were copied to (ClientCommand).
	CommandLine string
	// Env is added to the process environment (optional).
	Env func(in *Instance) []string
	// Prepare runs after the configs are rendered and before Command (optional): to compile a
	// servlet, say.
	Prepare func(ctx context.Context, in *Instance) error
	// Version reports the implementation's version ("" when it cannot be read).
	Version func(ctx context.Context) string
	// Upload is an origin's upload resource (default /upload); Early a path it answers from the
	// header section alone (default: the suite's choice, a sibling that does not exist).
	Upload, Early string
	// Prefix is a gateway's path prefix ("" for none: the gateway forwards every path as is).
	Prefix string
	// StartTimeout bounds the wait for readiness (default 20 s; a JVM needs more).
	StartTimeout time.Duration
	// RunArgs are extra flags for `expectspec run` against this recipe, with the reason in Notes
	// (e.g. --concurrency 1 for a server with a fixed number of blocking workers).
	RunArgs []string
	// TLS makes the recipe listen on TLS (tls.go): Start issues it a certificate from a
	// throwaway authority, and the matrix runs it with --ca and --protocol auto.
	TLS bool
	// H2 makes a client recipe an HTTP/2 one (clients_h2.go): the matrix runs it with
	// --client-tls --client-protocol h2, its CommandLine trusts {ca}, and its row is Row().
	H2 bool
}

// Instance is one running implementation.
type Instance struct {
	Recipe *Recipe
	Dir    string // the instance's folder: rendered configs, logs, runtime files
	Port   int    // the port it listens on (127.0.0.1)
	Origin string // host:port of the suite's origin behind a gateway or proxy
	Self   string // the expectspec executable, for recipes that run the suite's own Go servers
	Log    string // the file its stdout and stderr go to
	CA     string // a TLS recipe's authority certificate (PEM), the run's --ca; "" without TLS

	roots *x509.CertPool // a TLS recipe's authority, which its readiness probe trusts
	ports map[string]int
	cmd   *exec.Cmd
	done  chan struct{}
	err   error // how the process ended, once done is closed
}

// OriginHost and OriginPort split Origin.
func (in *Instance) OriginHost() string { h, _, _ := net.SplitHostPort(in.Origin); return h }
func (in *Instance) OriginPort() string { _, p, _ := net.SplitHostPort(in.Origin); return p }

// Addr is host:port of the instance.
func (in *Instance) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(in.Port)) }

// URL is what `expectspec run` is given: the upload resource of an origin, the prefix of a
// gateway, the address of a forward proxy.
func (in *Instance) URL() string {
	base := in.scheme() + "://" + in.Addr()
	switch in.Recipe.Role {
	case Origin:
		return base + in.UploadPath()
	case Gateway:
		return base + in.Recipe.Prefix + "/"
	}
	return base
}

// UploadPath is the origin's upload resource.
func (in *Instance) UploadPath() string {
	if in.Recipe.Upload != "" {
		return in.Recipe.Upload
	}
	return "/upload"
}

// ExtraPort is a further free port, allocated once per name (templates: {{port "admin"}}).
func (in *Instance) ExtraPort(name string) (int, error) {
	if p, ok := in.ports[name]; ok {
		return p, nil
	}
	p, err := FreePort()
	if err != nil {
		return 0, err
	}
	in.ports[name] = p
	return p, nil
}

// Options are where and in front of what an instance starts.
type Options struct {
	Dir    string // the instance's folder (created; its content is replaced)
	Origin string // the suite's origin, for gateways and proxies
	Self   string // the expectspec executable
}

// Start renders the recipe's configs into opts.Dir, starts the implementation in its own
// process group and waits until it accepts connections and answers HTTP. On error, what was
// started is stopped and the error carries the end of its log.
func Start(ctx context.Context, r *Recipe, opts Options) (*Instance, error) {
	if m := r.Missing(); m != "" {
		return nil, &NotInstalledError{Recipe: r, Missing: m}
	}
	if r.Role == Client {
		return nil, fmt.Errorf("%s is a client: nothing starts, the suite runs its ClientCommand", r.Name)
	}
	if (r.Role == Gateway || r.Role == Proxy) && opts.Origin == "" {
		return nil, fmt.Errorf("%s: a %s needs the suite's origin address", r.Name, r.Role)
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	in := &Instance{Recipe: r, Dir: dir, Port: port, Origin: opts.Origin, Self: opts.Self,
		Log: filepath.Join(dir, "server.log"), ports: map[string]int{}, done: make(chan struct{})}
	if err := in.render(); err != nil {
		return nil, fmt.Errorf("%s: rendering its configs: %w", r.Name, err)
	}
	if err := in.issueCert(); err != nil {
		return nil, fmt.Errorf("%s: its TLS certificate: %w", r.Name, err)
	}
	if r.Prepare != nil {
		if err := r.Prepare(ctx, in); err != nil {
			return nil, fmt.Errorf("%s: preparing: %w", r.Name, err)
		}
	}
	if err := in.launch(); err != nil {
		return nil, err
	}
	timeout := r.StartTimeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	if err := in.waitReady(ctx, timeout); err != nil {
		in.Stop()
		return nil, fmt.Errorf("%s did not become ready on %s: %v%s", r.Name, in.Addr(), err, in.logTail())
	}
	return in, nil
}

func (in *Instance) render() error {
	if in.Recipe.Configs == "" {
		return nil
	}
	root := path.Join("configs", in.Recipe.Configs)
	funcs := template.FuncMap{"port": in.ExtraPort}
	return fs.WalkDir(configs, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		dst := filepath.Join(in.Dir, filepath.FromSlash(rel))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		src, err := configs.ReadFile(p)
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if strings.Contains(rel, "bin/") || strings.HasSuffix(rel, ".sh") || strings.HasSuffix(rel, ".cgi") {
			mode = 0o755
		}
		if !strings.HasSuffix(rel, ".tmpl") {
			return os.WriteFile(dst, src, mode)
		}
		t, err := template.New(rel).Funcs(funcs).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := t.Execute(&b, in); err != nil {
			return err
		}
		return os.WriteFile(strings.TrimSuffix(dst, ".tmpl"), b.Bytes(), mode)
	})
}

func (in *Instance) launch() error {
	argv := in.Recipe.Command(in)
	log, err := os.OpenFile(in.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = in.Dir
	cmd.Stdout, cmd.Stderr, cmd.Stdin = log, log, nil
	cmd.Env = os.Environ()
	if in.Recipe.Env != nil {
		cmd.Env = append(cmd.Env, in.Recipe.Env(in)...)
	}
	// Its own process group, so Stop reaches the workers it forks too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("%s: starting %s: %w", in.Recipe.Name, argv[0], err)
	}
	in.cmd = cmd
	go func() {
		in.err = cmd.Wait()
		log.Close()
		close(in.done)
	}()
	return nil
}

// waitReady waits until the port accepts a connection and, for an origin, answers an HTTP
// request with a status line; or the process ends, or the timeout passes. An intermediary is
// only dialled: the suite's origin behind it does not listen yet, and some (HAProxy) retry a
// dead upstream for seconds before they answer.
func (in *Instance) waitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	probe := probeHTTP
	if in.Recipe.TLS {
		probe = in.probeTLS
	}
	if in.Recipe.Role != Origin {
		probe = probeTCP
	}
	for {
		if err := probe(ctx, in.Addr()); err == nil {
			return nil
		}
		select {
		case <-in.done:
			return fmt.Errorf("it exited (%v)", in.err)
		case <-ctx.Done():
			return fmt.Errorf("no HTTP answer within %s", timeout)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// probeDialer gives up on one connection attempt after a second, or sooner at waitReady's
// deadline, so a port that does not answer yet is tried again.
var probeDialer = net.Dialer{Timeout: time.Second}

func probeTCP(ctx context.Context, addr string) error {
	c, err := probeDialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return c.Close()
}

// probeHTTP sends OPTIONS * (answered by origins and proxies alike without touching a resource)
// and waits for the start of a status line.
func probeHTTP(ctx context.Context, addr string) error {
	c, err := probeDialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return askOptions(ctx, c, addr)
}

// askOptions sends OPTIONS * on c, closing it after; it waits 2 s at most, and not past ctx's
// deadline.
func askOptions(ctx context.Context, c net.Conn, addr string) error {
	defer c.Close()
	deadline := time.Now().Add(2 * time.Second)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = c.SetDeadline(deadline)
	if _, err := c.Write([]byte("OPTIONS * HTTP/1.1\r\nHost: " + addr + "\r\nConnection: close\r\n\r\n")); err != nil {
		return err
	}
	b := make([]byte, 5)
	if _, err := io.ReadFull(c, b); err != nil {
		return err
	}
	if string(b) != "HTTP/" {
		return fmt.Errorf("answered %q, not a status line", b)
	}
	return nil
}

// Stop ends the implementation: SIGTERM to its process group, SIGKILL after 5 s. It is safe to
// call more than once.
func (in *Instance) Stop() {
	if in == nil || in.cmd == nil || in.cmd.Process == nil {
		return
	}
	pgid := in.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-in.done:
	case <-time.After(5 * time.Second):
	}
	// Workers that outlive their master (or a master that ignored SIGTERM) go too.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-in.done
}

// Exited reports whether the process has ended.
func (in *Instance) Exited() bool {
	select {
	case <-in.done:
		return true
	default:
		return false
	}
}

// logTail is the end of the server's log, for error messages.
func (in *Instance) logTail() string {
	b, err := os.ReadFile(in.Log)
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return ""
	}
	if len(b) > 1500 {
		b = b[len(b)-1500:]
	}
	return "\n--- end of " + in.Log + " ---\n" + strings.TrimRight(string(b), "\n")
}
