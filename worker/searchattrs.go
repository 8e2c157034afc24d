package worker

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"

	"termgoal/workflows"
)

// ErrSearchAttributesUnknown is returned when the namespace's search attributes cannot be read
// (a server that keeps its operator API from workers): the worker then starts unchecked.
var ErrSearchAttributesUnknown = errors.New("worker: the namespace's search attributes cannot be read")

// CheckSearchAttributes refuses a namespace that lacks a search attribute the workflows set:
// every workflow task that set it would fail and the processes would stop where they are. The
// error names the commands that register the missing ones.
func CheckSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSearchAttributesUnknown, err)
	}
	var missing []string
	for _, sa := range workflows.SearchAttributes {
		name, typ, _ := strings.Cut(sa, "=")
		if _, ok := have.GetCustomAttributes()[name]; !ok {
			missing = append(missing, fmt.Sprintf("temporal operator search-attribute create --namespace %s --name %s --type %s", namespace, name, typ))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("worker: the Temporal namespace %s lacks search attributes the workflows set; register them first (deploy/README.md):\n  %s",
			namespace, strings.Join(missing, "\n  "))
	}
	return nil
}
