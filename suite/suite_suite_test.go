package suite

import (
	"os/exec"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

func TestSuite(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "suite: witnesses and the CLI")
}

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
)

// cliBinary is the expectspec command, built once per test run for every spec that runs it the
// way a user does; the build is removed after the suite.
func cliBinary() string {
	cliOnce.Do(func() { cliPath, cliErr = gexec.Build("github.com/expectspec/expectspec/suite/cmd/expectspec") })
	Expect(cliErr).NotTo(HaveOccurred())
	return cliPath
}

// runCLI runs the expectspec command with args (2 minutes at most) and returns its exit status,
// its stdout and its stderr.
func runCLI(args ...string) (int, string, string) {
	s, err := gexec.Start(exec.Command(cliBinary(), args...), GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	Eventually(s).WithTimeout(2 * time.Minute).Should(gexec.Exit())
	return s.ExitCode(), string(s.Out.Contents()), string(s.Err.Contents())
}

var _ = AfterSuite(gexec.CleanupBuildArtifacts)
