package target

import (
	"github.com/expectspec/expectspec/harness/clientcmd"
	"github.com/expectspec/expectspec/harness/origin"
)

// ParseClient turns --client into a target: the command of a client under test, pointed at the
// suite's origin o, which plays the server of every client case. With o nil it only checks the
// command. name defaults to "client", numbered from the second on by the caller.
func ParseClient(command, name string, o *origin.Origin) (Target, error) {
	if err := clientcmd.Check(command); err != nil {
		return Target{}, err
	}
	if name == "" {
		name = "client"
	}
	t := Target{Name: name, Role: RoleClient, Command: command}
	if o != nil {
		t.Origin = o
		t.OriginAuthority = OriginAuthority(o)
		t.Address = t.OriginAuthority
		t.Host = t.OriginAuthority
	}
	return t, nil
}
