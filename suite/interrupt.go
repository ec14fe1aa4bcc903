package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Interrupts. `expectspec run` owns SIGINT and SIGTERM from the start of the command to its end:
//
//   - the first signal cancels the run's context with an Interrupted cause. Probing stops, the
//     scheduler stops taking cases and cancels the ones in flight, every table entry returns at
//     once, and Run writes results.json and junit.xml with the cases that finished and every
//     other selected case marked not run; the command then stops the servers it started and
//     exits 128+signal (130 for SIGINT, 143 for SIGTERM).
//   - a second signal exits the process at once with the same status, writing nothing more (the
//     files already written are whole: every write is atomic).
//
// Ginkgo installs its own handler for both signals in RunSpecs (internal/interrupt_handler): on
// the first it cancels the running spec's context, skips the remaining specs and still runs
// ReportAfterSuite, which only keeps Ginkgo's report; the results are built and written after
// RunSpecs returns, so no Ginkgo interrupt can abandon them half-done. That handler cannot be
// turned off, so the
// results never depend on it: they are built from the scheduler's own state and the run's
// selection, not from Ginkgo's spec states, and an entry returns as soon as the run's context
// is cancelled, whether or not Ginkgo saw the signal first. Ginkgo's second and third levels are
// never reached: our second signal exits first.

// Interrupted is the cause of the run context's cancellation when a signal stopped the run.
type Interrupted struct{ Signal os.Signal }

func (i Interrupted) Error() string { return "the run was interrupted by " + signalName(i.Signal) }

// ExitCode is the conventional status of a process stopped by the signal: 128 + its number.
func (i Interrupted) ExitCode() int {
	if s, ok := i.Signal.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// InterruptOf returns the Interrupted cause of ctx, if a signal cancelled it.
func InterruptOf(ctx context.Context) (Interrupted, bool) {
	var i Interrupted
	ok := errors.As(context.Cause(ctx), &i)
	return i, ok
}

func signalName(s os.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// NotifyInterrupt returns a context that the first SIGINT or SIGTERM cancels with an
// Interrupted cause, saying so on w; a second signal exits the process at once. stop releases
// the signals (after it, they have their default effect again).
func NotifyInterrupt(parent context.Context, w io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	quit := make(chan struct{})
	go func() {
		var first os.Signal
		for {
			select {
			case sig := <-ch:
				if first != nil {
					fmt.Fprintf(w, "expectspec: %s again: exiting at once\n", signalName(sig))
					os.Exit(Interrupted{first}.ExitCode())
				}
				first = sig
				fmt.Fprintf(w, "expectspec: %s: stopping; the results of the cases that finished are kept, the rest are marked not run (%s again exits at once)\n", signalName(sig), signalName(sig))
				cancel(Interrupted{sig})
			case <-quit:
				return
			}
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(quit)
		cancel(context.Canceled)
	}
}
