package recipes

import (
	"context"
	"os"
	"os/exec"
)

// ownedBy is a Prepare step for implementations that, started as root, switch to an
// unprivileged user of their Debian package (Squid's proxy, Traffic Server's trafficserver): it
// gives the instance's folder to that user so that it can write its logs and runtime files
// there. Started by another user, the implementation stays that user and the folder is its own.
func ownedBy(owner string) func(ctx context.Context, in *Instance) error {
	return func(ctx context.Context, in *Instance) error {
		if os.Geteuid() != 0 {
			return nil
		}
		return exec.CommandContext(ctx, "chown", "-R", owner+":", in.Dir).Run()
	}
}
