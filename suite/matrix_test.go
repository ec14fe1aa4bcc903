package suite

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/expectspec/expectspec/harness/recipes"
	"github.com/expectspec/expectspec/results"
)

// The matrix as `make matrix` runs it, with the recipes that need nothing installed: Go's
// net/http and httputil.ReverseProxy, each started by the matrix as a process of its own.
var _ = Describe("expectspec matrix", Ordered, Label("matrix"), func() {
	var bin string

	BeforeAll(func() {
		bin = cliBinary()
	})

	// serving counts the `expectspec serve` processes of this binary still alive.
	serving := func() int {
		out, _ := exec.Command("pgrep", "-f", bin+" serve").Output()
		return len(strings.Fields(string(out)))
	}

	It("tests each implementation in a child run, writes its results file and the merged tables, and stops it", func() {
		out := GinkgoT().TempDir()
		cmd := exec.Command(bin, "matrix", "--only", "go-net-http", "--out", out)
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(2 * time.Minute).Should(gexec.Exit(0))
		Expect(string(s.Out.Contents())).To(ContainSubstring("go-net-http"))
		for _, name := range []string{"go-net-http.json", "results.json", "table.html", "table.md", "go-net-http/run.log", "go-net-http/junit.xml"} {
			Expect(filepath.Join(out, name)).To(BeAnExistingFile())
		}
		f, err := results.Read(filepath.Join(out, "go-net-http.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Targets).To(ConsistOf(And(HaveField("Name", "go-net-http"), HaveField("Software", "Go net/http"), HaveField("Version", HavePrefix("go1.")))))
		Expect(f.Results).NotTo(BeEmpty())
		Expect(serving()).To(BeZero())
	})

	It("reports an implementation that is not installed as n/a with its install command", func() {
		out := GinkgoT().TempDir()
		missing := &recipes.Recipe{Name: "not-here", Role: recipes.Origin, Software: "nothing",
			Packages: []string{"not-here-server"}, Needs: []string{"expectspec-no-such-binary"}, Notes: "-",
			Command: func(*recipes.Instance) []string { return []string{"false"} }}
		outcomes, err := Matrix(context.Background(), MatrixConfig{Recipes: []*recipes.Recipe{missing}, Out: out, Parallel: 1, Stdout: io.Discard})
		Expect(err).NotTo(HaveOccurred())
		Expect(outcomes).To(ConsistOf(HaveField("Status", MatrixNotInstalled)))
		f, err := results.Read(filepath.Join(out, "not-here.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Results).NotTo(BeEmpty())
		for _, r := range f.Results {
			Expect(r.Verdict).To(Equal(results.NA))
			Expect(r.Reason).To(ContainSubstring("apt-get install -y not-here-server"))
		}
	})

	It("stops within seconds on SIGINT, stopping the servers it started", func() {
		out := GinkgoT().TempDir()
		cmd := exec.Command(bin, "matrix", "--only", "go-reverseproxy-gateway", "--out", out)
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(serving).WithTimeout(20 * time.Second).Should(Equal(1))
		time.Sleep(time.Second) // into the run
		Expect(cmd.Process.Signal(syscall.SIGINT)).To(Succeed())
		Eventually(s).WithTimeout(15 * time.Second).Should(gexec.Exit())
		Expect(s.ExitCode()).NotTo(BeZero())
		Expect(serving()).To(BeZero())
		_, err = os.Stat(filepath.Join(out, "go-reverseproxy-gateway.json"))
		Expect(err).NotTo(HaveOccurred())
	})
})
