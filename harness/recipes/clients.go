package recipes

import (
	"fmt"
	"os"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// Client is the role of a client recipe: nothing is started; the matrix runs
// `expectspec run --client` with the recipe's CommandLine, and the suite is the client's server.
const Client = conv.RoleClient

// ClientCommand copies the client recipe's committed files (Configs) into dir and returns its
// CommandLine with {dir} filled in; the placeholders of the suite ({url}, {file}, {size}) are
// left for `run --client`.
func (r *Recipe) ClientCommand(dir string) (string, error) {
	if r.Role != Client || r.CommandLine == "" {
		return "", fmt.Errorf("%s is not a client recipe", r.Name)
	}
	// dir stays as given (relative to the working directory, which the run inherits), so a
	// committed results file does not carry the path of the machine's checkout.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	in := &Instance{Recipe: r, Dir: dir, ports: map[string]int{}}
	if err := in.render(); err != nil {
		return "", fmt.Errorf("%s: copying its files: %w", r.Name, err)
	}
	return strings.ReplaceAll(r.CommandLine, "{dir}", shellWord(dir)), nil
}

// shellWord quotes s for sh when it holds anything but letters, digits and "/._-+:,".
func shellWord(s string) string {
	if strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// The clients: each at its defaults, uploading {file} to {url} by the means its users use, and
// printing the final response's content on stdout (which lets the 1xx cases see which response
// the client returned). Notes say what the command or program chooses beyond the defaults.
func init() {
	register(&Recipe{
		Name: "curl", Role: Client, Software: "curl", Packages: []string{"curl"}, Needs: []string{"curl"},
		CommandLine: "curl -sS --data-binary @{file} {url}",
		Version:     versionOf([]string{"curl", "--version"}, `curl (\S+)`),
		Notes: "curl's defaults: Expect: 100-continue on content above 1 MiB, a 1 s wait for the 100, " +
			"no redirect followed (no -L). -sS keeps errors on stderr; the response content goes to stdout.",
	}, &Recipe{
		Name: "wget", Role: Client, Software: "GNU Wget", Packages: []string{"wget"}, Needs: []string{"wget"},
		CommandLine: "wget -q -O - --post-file={file} {url}",
		Version:     versionOf([]string{"wget", "--version"}, `GNU Wget (\S+)`),
		Notes: "--post-file uploads the file as the POST's content; -O - prints the response content. Wget " +
			"follows a 303 with a GET by default, and exits 8 on a 4xx or 5xx final response.",
	}, &Recipe{
		Name: "python-urllib", Role: Client, Software: "Python urllib.request", Packages: []string{"python3"},
		Needs: []string{debianPython}, Configs: "python-urllib-client",
		CommandLine: "PYTHONDONTWRITEBYTECODE=1 " + debianPython + " {dir}/upload.py {url} {file}",
		Version:     versionOf([]string{debianPython, "--version"}, `Python (\S+)`),
		Notes: "urlopen with the file's octets as data, at the module's defaults but for a 30 s socket timeout (upload.py); " +
			"it follows a 303 with a GET.",
	}, &Recipe{
		Name: "python-requests", Role: Client, Software: "Python requests", Packages: []string{"python3-requests"},
		Needs: []string{debianPython}, Modules: []string{"requests"}, Configs: "python-requests-client",
		CommandLine: "PYTHONDONTWRITEBYTECODE=1 " + debianPython + " {dir}/upload.py {url} {file}",
		Version:     versionOf([]string{debianPython, "-c", "import requests; print(requests.__version__)"}, `^(\S+)`),
		Notes: "requests.post with the open file as data, at the library's defaults but for a 30 s socket timeout " +
			"(upload.py); it follows a 303 with a GET.",
	}, &Recipe{
		Name: "node-http-request", Role: Client, Software: "Node.js http.request", Packages: []string{"nodejs"},
		Needs: []string{"node"}, Configs: "node-http-request-client",
		CommandLine: "node {dir}/upload.js {url} {file}",
		Version:     versionOf([]string{"node", "--version"}, `v(\S+)`),
		Notes: "Node never adds Expect itself: upload.js sets Expect: 100-continue on any upload with content and " +
			"writes the content on the first 'continue' event, as Node's documentation shows; Node has no timer " +
			"for the 100, so neither has the program. No redirect is followed.",
	}, &Recipe{
		Name: "java-httpclient", Role: Client, Software: "Java java.net.http.HttpClient",
		Packages: []string{"default-jdk-headless"}, Needs: []string{"java", "javac"}, Configs: "java-httpclient-client",
		CommandLine: "java {dir}/Upload.java {url} {file}",
		Version:     versionOf([]string{"java", "-version"}, `version "([^"]+)"`),
		Notes: "HttpClient with expectContinue(true), run as a single-file source program (Upload.java); HTTP/1.1 " +
			"is asked for, since the default (HTTP/2) would offer an h2c upgrade the suite's server does not take. No redirect is followed.",
	}, &Recipe{
		// Built into expectspec (suite/cmd/expectspec/goclient.go), so it needs no Go on the
		// machine; the matrix puts the running expectspec first on the command's PATH.
		Name: "go-http-client", Role: Client, Software: "Go net/http Client",
		CommandLine: "expectspec go-client {url} {file}",
		Version:     goVersion,
		Notes: "`expectspec go-client`: http.Client over a clone of DefaultTransport with ExpectContinueTimeout 1 s; " +
			"the program sets Expect: 100-continue on an upload with content (Go never adds it). It follows a 303 with a GET.",
	}, &Recipe{
		Name: "node-fetch", Role: Client, Software: "Node.js fetch (undici)", Packages: []string{"nodejs"},
		Needs: []string{"node"}, Configs: "node-fetch-client",
		CommandLine: "node {dir}/upload.js {url} {file}",
		Version: versionOf([]string{"node", "-p", "process.versions.node + ' undici ' + process.versions.undici"},
			`^(\S+ undici \S+)`),
		Notes: "Node 20's global fetch, which is undici (bundled; nothing from npm). upload.js sets Expect: 100-continue " +
			"on content; undici refuses the header (UND_ERR_NOT_SUPPORTED), so the program says so on stderr and " +
			"uploads without it: the cases needing Expect are na. fetch follows a 303 with a GET.",
	}, &Recipe{
		Name: "python-aiohttp", Role: Client, Software: "Python aiohttp client", Packages: []string{"python3-aiohttp"},
		Needs: []string{debianPython}, Modules: []string{"aiohttp"}, Configs: "python-aiohttp-client",
		CommandLine: "PYTHONDONTWRITEBYTECODE=1 " + debianPython + " {dir}/upload.py {url} {file}",
		Version:     versionOf([]string{debianPython, "-c", "import aiohttp; print(aiohttp.__version__)"}, `^(\S+)`),
		Notes:       "ClientSession.post with the file's octets and expect100=True (upload.py); it follows a 303 with a GET.",
	}, &Recipe{
		Name: "python-boto3", Role: Client, Software: "Python boto3 (botocore) S3 client", Packages: []string{"python3-boto3"},
		Needs: []string{debianPython}, Modules: []string{"boto3"}, Configs: "python-boto3-client",
		CommandLine: "PYTHONDONTWRITEBYTECODE=1 " + debianPython + " {dir}/upload.py {url} {file}",
		Version: versionOf([]string{debianPython, "-c", "import boto3, botocore; print(boto3.__version__, 'botocore', botocore.__version__)"},
			`^(\S+ botocore \S+)`),
		Notes: "S3 put_object with the open file as Body to {url}'s authority as endpoint_url, path-style (bucket and key " +
			"from {url}'s path), dummy credentials (upload.py); botocore adds Expect: 100-continue to a file body itself. " +
			"put_object returns no content, so nothing is printed.",
	})
}
