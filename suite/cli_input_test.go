package suite

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/expectspec/expectspec/harness/reference"
	"github.com/expectspec/expectspec/harness/target"
	"github.com/expectspec/expectspec/results"
)

// Bad input to the CLI: every flag of run, report and diff, and every way a results file can be
// wrong. Each gives status 2 and one line on stderr that says what is wrong (and, for a flag,
// what is expected); nothing starts, nothing panics.
var _ = Describe("the expectspec command on bad input", Label("cli"), Ordered, func() {
	var bin, dir string

	BeforeAll(func() {
		bin = cliBinary()

		dir = GinkgoT().TempDir()
		good := &results.File{Schema: results.Schema, Suite: results.Suite{Version: "t", Started: time.Now()},
			Targets: []results.Target{{Name: "t", Role: "origin", Address: "127.0.0.1:1"}},
			Cases:   []results.Case{{ID: "origin/immediate-100", Title: "x", Roles: []string{"origin"}}},
			Results: []results.Result{{Target: "t", Case: "origin/immediate-100", Verdict: results.Pass, Reason: "ok"}}}
		Expect(results.Write(filepath.Join(dir, "good.json"), good)).To(Succeed())
		data, err := os.ReadFile(filepath.Join(dir, "good.json"))
		Expect(err).NotTo(HaveOccurred())
		files := map[string][]byte{
			"truncated.json":   data[:len(data)/2],
			"v2.json":          []byte(strings.Replace(string(data), results.Schema, "expectspec/results/v2", 1)),
			"not-json.json":    []byte("hello, world\n"),
			"empty.json":       nil,
			"array.json":       []byte("[1, 2]\n"),
			"bad-verdict.json": []byte(strings.Replace(string(data), `"verdict": "pass"`, `"verdict": "great"`, 1)),
		}
		for name, content := range files {
			Expect(os.WriteFile(filepath.Join(dir, name), content, 0o644)).To(Succeed())
		}
		Expect(os.Mkdir(filepath.Join(dir, "a-directory"), 0o755)).To(Succeed())
	})

	DescribeTable("one line, status 2",
		func(want string, args ...string) {
			for i, a := range args {
				args[i] = strings.ReplaceAll(a, "DIR", dir)
			}
			want = strings.ReplaceAll(want, "DIR", dir)
			cmd := exec.Command(bin, args...)
			cmd.Dir = dir
			s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
			Expect(err).NotTo(HaveOccurred())
			Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit())
			stderr := strings.TrimSpace(string(s.Err.Contents()))
			Expect(s.ExitCode()).To(Equal(2), "stderr: %s", stderr)
			Expect(stderr).To(HavePrefix("expectspec: "))
			Expect(stderr).To(ContainSubstring(want))
			Expect(strings.Count(stderr, "\n")).To(BeZero(), "more than one line:\n%s", stderr)
			Expect(stderr).NotTo(ContainSubstring("panic"))
		},
		// run: every flag
		Entry("--timeout-scale not a number", `--timeout-scale "abc" is not valid: expected a number above 0`, "run", "--timeout-scale", "abc"),
		Entry("--timeout-scale 0", "--timeout-scale must be a number above 0 and at most 100, got 0", "run", "--timeout-scale", "0"),
		Entry("--timeout-scale too large", "at most 100, got 1000", "run", "--timeout-scale", "1000"),
		Entry("--concurrency not a number", `--concurrency "many" is not valid: expected a whole number from 1 to 64`, "run", "--concurrency", "many"),
		Entry("--concurrency 0", "--concurrency must be between 1 and 64, got 0", "run", "--concurrency", "0"),
		Entry("--concurrency 65", "--concurrency must be between 1 and 64, got 65", "run", "--concurrency", "65"),
		Entry("--repeat not a number", `--repeat "x" is not valid: expected a whole number from 1 to 100`, "run", "--repeat", "x"),
		Entry("--repeat 0", "--repeat must be between 1 and 100, got 0", "run", "--repeat", "0"),
		Entry("--repeat 101", "--repeat must be between 1 and 100, got 101", "run", "--repeat", "101"),
		Entry("--repeat -3", "--repeat must be between 1 and 100, got -3", "run", "--repeat=-3"),
		Entry("--repeat without a value", "--repeat needs a value: a whole number from 1 to 100", "run", "--repeat"),
		Entry("--target not a URL", "is not a URL", "run", "--target", "::nope"),
		Entry("--target ftp", "only http:// and https:// URLs are supported", "run", "--target", "ftp://127.0.0.1/"),
		Entry("--proxy https", "a forward proxy is tested over cleartext HTTP/1.1; give its http:// port", "run", "--proxy", "https://127.0.0.1:1/"),
		Entry("--protocol h2 over cleartext", "--protocol h2 is HTTP/2 over TLS and --target http://127.0.0.1:1/ is cleartext", "run", "--protocol", "h2", "--target", "http://127.0.0.1:1/"),
		Entry("--protocol h2c over TLS", "--protocol h2c is HTTP/2 in cleartext and --target https://127.0.0.1:1/ is https", "run", "--protocol", "h2c", "--target", "https://127.0.0.1:1/"),
		Entry("--protocol h2 with a forward proxy", "--protocol h2 applies to --target and --gateway only: forward proxies and clients are tested over HTTP/1.1", "run", "--protocol", "h2", "--proxy", "http://127.0.0.1:3128", "--origin", "127.0.0.1:9000"),
		Entry("--protocol h2 with a cleartext gateway", "--protocol h2 is HTTP/2 over TLS and --gateway http://127.0.0.1:1/ is cleartext", "run", "--protocol", "h2", "--gateway", "http://127.0.0.1:1/"),
		Entry("--protocol unknown", `--protocol "h3" is not valid: expected h1, h2, h2c or auto`, "run", "--protocol", "h3"),
		Entry("--ca missing", "--ca /nonexistent/ca.pem cannot be read: no such file or directory", "run", "--ca", "/nonexistent/ca.pem", "--target", "https://127.0.0.1:1/"),
		Entry("--ca not PEM", "holds no PEM certificate", "run", "--ca", "DIR/good.json", "--target", "https://127.0.0.1:1/"),
		Entry("--ca and --insecure", "--ca and --insecure contradict each other", "run", "--ca", "DIR/good.json", "--insecure", "--target", "https://127.0.0.1:1/"),
		Entry("--insecure without https", "--insecure applies to https:// URLs, and none was given", "run", "--insecure", "--target", "http://127.0.0.1:1/"),
		Entry("--target without a value", "--target needs a value: the URL of an upload resource", "run", "--target"),
		Entry("--gateway without --origin", "--gateway needs --origin ADDR", "run", "--gateway", "http://127.0.0.1:1/"),
		Entry("--gateway not a URL", "", "run", "--gateway", "::nope", "--origin", "127.0.0.1:9000"),
		Entry("--proxy not a URL", "", "run", "--proxy", "::nope"),
		Entry("--origin not host:port", `--origin "nine" is not a host:port: expected one like 127.0.0.1:9000`, "run", "--gateway", "http://127.0.0.1:1/", "--origin", "nine"),
		Entry("--origin port out of range", `--origin "127.0.0.1:70000" is not a host:port: expected a port from 0 (any free port) to 65535`, "run", "--proxy", "http://127.0.0.1:1/", "--origin", "127.0.0.1:70000"),
		Entry("--origin with --target only", "--origin is where the suite's origin listens behind --gateway or --proxy", "run", "--target", "http://127.0.0.1:1/", "--origin", "127.0.0.1:9000"),
		Entry("--name with two targets", "--name names a single target; got 2", "run", "--target", "http://127.0.0.1:1/", "--target", "http://127.0.0.1:2/", "--name", "x"),
		Entry("--software without a target", "--software and --software-version describe a single target", "run", "--software", "nginx"),
		Entry("--software-version with two targets", "describe a single target", "run", "--software-version", "1", "--target", "http://127.0.0.1:1/", "--target", "http://127.0.0.1:2/"),
		Entry("--early-path relative", "--early-path must be an absolute path like /admin", "run", "--early-path", "admin"),
		Entry("--upgrade-protocol not a token", "--upgrade-protocol must be a protocol name", "run", "--upgrade-protocol", "h2c, websocket"),
		Entry("--upgrade-protocol empty", "--upgrade-protocol must be a protocol name", "run", "--upgrade-protocol", ""),
		Entry("--label-filter that does not parse", "--label-filter", "run", "--label-filter", "a &&", "--target", "http://127.0.0.1:1/"),
		Entry("--focus not a regular expression", "--focus \"(\" is not a regular expression", "run", "--focus", "(", "--target", "http://127.0.0.1:1/"),
		Entry("--out that cannot be written", "--out /proc/expectspec is not writable", "run", "--out", "/proc/expectspec"),
		Entry("--out that is a file", "is not writable", "run", "--out", "DIR/good.json"),
		Entry("--out empty", "--out must name a directory", "run", "--out", ""),
		Entry("-v with a value that is no boolean", "-v=maybe is not valid: expected -v alone, or -v=true or -v=false", "run", "-v=maybe"),
		Entry("an unknown flag of run", `run has no flag --frobnicate; run "expectspec run -h" for the flags`, "run", "--frobnicate"),
		Entry("an argument to run", "run takes no arguments", "run", "http://127.0.0.1:1/"),
		Entry("an unknown command", "unknown command", "frobnicate"),

		// report
		Entry("report without files", "report needs at least one results file", "report"),
		Entry("report with an unknown flag", `report has no flag --pdf`, "report", "--pdf", "x", "DIR/good.json"),
		Entry("report --html without a value", "--html needs a value: a file name", "report", "--html"),
		Entry("report with a flag after the files", `the flags of report go before the results files, got "--html" after them`, "report", "DIR/good.json", "--html", "x.html"),
		Entry("report --html into a missing directory", "cannot write DIR/missing/t.html: the directory DIR/missing does not exist", "report", "--html", "DIR/missing/t.html", "DIR/good.json"),
		Entry("report of a truncated file", "truncated.json is truncated: the JSON ends early", "report", "DIR/truncated.json"),
		Entry("report of another schema version", `v2.json has schema "expectspec/results/v2"; this expectspec reads expectspec/results/v1 (a newer or older expectspec wrote it)`, "report", "DIR/v2.json"),
		Entry("report of a file that is not JSON", "not-json.json is not JSON", "report", "DIR/not-json.json"),
		Entry("report of an empty file", "empty.json is empty", "report", "DIR/empty.json"),
		Entry("report of JSON that is no results file", "array.json is JSON but not a results file", "report", "DIR/array.json"),
		Entry("report of an unknown verdict", `has verdict "great"`, "report", "DIR/bad-verdict.json"),
		Entry("report of a directory", "a-directory is a directory, not a results file", "report", "DIR/a-directory"),
		Entry("report of a missing file", "nope.json does not exist", "report", "DIR/nope.json"),
		Entry("report where a second file is bad", "empty.json is empty", "report", "DIR/good.json", "DIR/empty.json"),

		// diff
		Entry("diff with one file", "diff needs two results files, got 1 argument(s)", "diff", "DIR/good.json"),
		Entry("diff with three files", "diff needs two results files, got 3 argument(s)", "diff", "DIR/good.json", "DIR/good.json", "DIR/good.json"),
		Entry("diff with a flag", `diff takes no flags, got "--html"`, "diff", "--html", "DIR/good.json"),
		Entry("diff of a truncated file", "truncated.json is truncated", "diff", "DIR/truncated.json", "DIR/good.json"),
		Entry("diff of another schema version", `has schema "expectspec/results/v2"`, "diff", "DIR/good.json", "DIR/v2.json"),
		Entry("diff of a file that is not JSON", "is not JSON", "diff", "DIR/not-json.json", "DIR/good.json"),
		Entry("diff of an empty file", "empty.json is empty", "diff", "DIR/good.json", "DIR/empty.json"),
		Entry("diff of a directory", "is a directory, not a results file", "diff", "DIR/a-directory", "DIR/good.json"),
		Entry("diff of a missing file", "nope.json does not exist", "diff", "DIR/good.json", "DIR/nope.json"),
	)

	It("runs every case --repeat times and lists the runs of each cell", func() {
		ref, err := target.StartReference(reference.Behaviour{Name: "ref-continue"})
		Expect(err).NotTo(HaveOccurred())
		defer ref.Stop()
		out := GinkgoT().TempDir()
		s, err := gexec.Start(exec.Command(bin, "run", "--out", out, "--repeat", "3", "--label-filter", "scenario:T01 || scenario:T04",
			"--target", "http://"+ref.Address+ref.Path), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(time.Minute).Should(gexec.Exit(0))
		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(len(f.Results)).To(BeNumerically(">", 1))
		for _, r := range f.Results {
			Expect(r.Runs).To(HaveLen(3), r.Case)
			Expect(r.Flaky).To(BeFalse(), "%s: %s", r.Case, r.Reason)
			Expect(r.Runs).To(HaveEach(r.Verdict))
		}
	})

	It("prints the flags of run on -h, with status 0", func() {
		s, err := gexec.Start(exec.Command(bin, "run", "-h"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(0))
		Expect(string(s.Err.Contents())).To(ContainSubstring("-repeat"))
	})
})
