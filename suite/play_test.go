package suite

import (
	"context"
	"strings"
	"testing"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/origin"
	"github.com/expectspec/expectspec/harness/target"
)

// A client case runs through the scheduler's playCase like any other, so a panic of its origin
// side is an error outcome naming the case, not a crash of the run.
func TestPlayCaseClientPanicIsError(t *testing.T) {
	defer removeContentFiles()
	o, err := origin.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	c := cases.Case{
		ID: "test/client-panic", Upload: 5,
		Origin: func(cases.Env) conv.OriginScript { panic("boom") },
		Judge:  func(cases.Env, cases.Observed) cases.Outcome { return cases.Outcome{Verdict: cases.Pass} },
	}
	env := cases.Env{Role: conv.RoleClient, Token: "t-client-panic", Command: "true"}
	p := playCase(context.Background(), target.Target{}, env, c, o)
	if p.o.Verdict != cases.Error || !strings.Contains(p.o.Reason, "test/client-panic panicked") {
		t.Fatalf("got %s %q, want error naming the panic", p.o.Verdict, p.o.Reason)
	}
}
