package api

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"termgoal"
	"termgoal/metrics"
	"termgoal/postgres"
	"termgoal/workflows"
)

// validKey bounds an Idempotency-Key to printable ASCII of a sane length.
var validKey = regexp.MustCompile(`^[\x21-\x7e]{1,200}$`)

// postAction applies a human action to a process (T3, T7).
func (h *Handler) postAction(c *gin.Context) {
	h.actFromRequest(c, c.Param("id"), c.Param("action"))
}

// fileObjection files an objection against a notice; the public may do it without signing in,
// and their objection is then anonymous (P9).
func (h *Handler) fileObjection(c *gin.Context) {
	h.actFromRequest(c, c.Param("process_id"), workflows.UpdateFileObjection)
}

// actFromRequest decodes the action input from the body, sets the authenticated actor and runs
// the action under the request's Idempotency-Key.
func (h *Handler) actFromRequest(c *gin.Context, processID, action string) {
	newInput, ok := workflows.Actions[action]
	if !ok {
		h.fail(c, termgoal.Errorf(termgoal.ENOTFOUND, "action.unknown", "no such action"))
		return
	}
	key := c.GetHeader("Idempotency-Key")
	if key != "" && !validKey.MatchString(key) {
		h.fail(c, termgoal.Errorf(termgoal.EMALFORMED, "action.bad_key", "the Idempotency-Key must be 1 to 200 printable ASCII characters"))
		return
	}
	in := newInput()
	if err := decodeBody(c, in, true); err != nil {
		h.fail(c, err)
		return
	}
	actor := Actor(c)
	if obj, ok := in.(*workflows.FileObjectionInput); ok && actor.AccountID == 0 {
		obj.Anonymous = true
	}
	in.SetActor(actor)
	res, err := h.Act(c.Request.Context(), actor, processID, action, key, in)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// Act applies action to process processID as actor and waits for the outcome: applied (the
// read model already shows it), refused (a *termgoal.Error with the validator's code, key and
// arguments), or unknown (EUNAVAILABLE: retry with the same key). The Temporal update ID is
// the actor's and the key's (updateID), so a repeated key never applies the action twice and
// another person's key is not theirs; the key is bound to the request it first came with
// (claimKey). An empty key gets a random one. Web pages call it too.
func (h *Handler) Act(ctx context.Context, actor termgoal.Actor, processID, action, key string, input workflows.ActionInput) (res workflows.ActionResult, err error) {
	if _, ok := workflows.Actions[action]; !ok {
		return res, termgoal.Errorf(termgoal.ENOTFOUND, "action.unknown", "no such action")
	}
	defer func() { h.cfg.Metrics.CountAction(action, outcome(err)) }()
	if h.temporal == nil {
		return res, errors.New("no Temporal client configured")
	}
	id := randomHex(16)
	if key != "" {
		id = updateID(actor, key)
	}
	if err := termgoal.CheckText(input); err != nil {
		return res, err
	}
	if o, ok := input.(*workflows.FileObjectionInput); ok {
		if err := h.keepObjection(ctx, actor, processID, id, o); err != nil {
			return res, err
		}
	}
	if err := h.prepare(ctx, &actor, processID, action, input); err != nil {
		return res, err
	}
	if key != "" {
		if err := h.claimKey(ctx, processID, id, action, input); err != nil {
			return res, err
		}
	}
	input.SetActor(actor)
	err = h.update(ctx, processID, action, id, input, &res)
	return res, err
}

// updateID scopes a client's Idempotency-Key to the account that sent it (0: not signed in):
// one member reusing another's key gets an update of their own.
func updateID(actor termgoal.Actor, key string) string {
	return fmt.Sprintf("a%d:%s", actor.AccountID, key)
}

// claimKey binds update id to what it asks: the action and the input without its actor (whose
// address may change between retries; the update ID names the account). The same key with
// another request answers 422. It runs before Act sets the actor it sends.
func (h *Handler) claimKey(ctx context.Context, processID, id, action string, input workflows.ActionInput) error {
	input.SetActor(termgoal.Actor{})
	b, err := json.Marshal(input)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	return h.store.ClaimKey(ctx, processID, id, action, sum[:])
}

// update sends update action with input to workflow processID under update ID key and waits
// for its outcome, as Act does once it has checked and completed the input. Act's callers
// reach only the actions of workflows.Actions; a few handlers (an anonymous ballot, a
// handover on the term's workflow) call update directly after their own checks. The update's
// result is decoded into out.
func (h *Handler) update(ctx context.Context, processID, action, key string, input, out any) error {
	if h.temporal == nil {
		return errors.New("no Temporal client configured")
	}
	if err := termgoal.CheckText(input); err != nil {
		return err // Act checked it; the callers of update that bypass Act did not
	}
	ctx, cancel := context.WithTimeout(ctx, h.cfg.ActionTimeout)
	defer cancel()
	handle, err := h.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   processID,
		UpdateID:     key,
		UpdateName:   action,
		Args:         []any{input},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = handle.Get(ctx, out)
	}
	if err != nil {
		return h.actionError(ctx, processID, err)
	}
	return nil
}

// actionError maps what Temporal answered to a domain error.
func (h *Handler) actionError(ctx context.Context, processID string, err error) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		if _, known := statusOf[app.Type()]; known && app.Type() != termgoal.EINTERNAL {
			var d workflows.RefusalDetail
			if app.HasDetails() {
				_ = app.Details(&d)
			}
			return &termgoal.Error{Code: app.Type(), Key: d.Key, Args: d.Args, Message: app.Message()}
		}
		return err
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		// The workflow does not exist, or it has closed: the read model says which.
		p, perr := h.store.Process(context.WithoutCancel(ctx), processID)
		switch {
		case termgoal.ErrorCode(perr) == termgoal.ENOTFOUND:
			return termgoal.Errorf(termgoal.ENOTFOUND, "process.not_found", "no such process")
		case perr != nil:
			return perr
		}
		if err := h.checkHalted(context.WithoutCancel(ctx), p); err != nil {
			return err
		}
		switch p.Status {
		case "running":
			return errUnknownOutcome()
		case postgres.StatusHalted:
			return errHalted(p)
		}
		return termgoal.Errorf(termgoal.ECONFLICT, "process.closed", "the process is closed", "status", p.Status)
	}
	return unavailableOr(err)
}

// unavailableOr maps a timeout, an unreachable or an overloaded Temporal (too many updates of
// one workflow in flight) to EUNAVAILABLE: the outcome is unknown, and the caller should retry
// with the same Idempotency-Key.
func unavailableOr(err error) error {
	var unavail *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	var canceled *serviceerror.Canceled
	var exhausted *serviceerror.ResourceExhausted
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.As(err, &unavail), errors.As(err, &deadline), errors.As(err, &canceled), errors.As(err, &exhausted):
		return errUnknownOutcome()
	}
	return err
}

func errUnknownOutcome() error {
	return termgoal.Errorf(termgoal.EUNAVAILABLE, "action.unknown_outcome",
		"no worker answered in time; the outcome is unknown: retry with the same Idempotency-Key")
}

// adminAware are the actions whose rules depend on whether the actor administers the
// process's org (A3, and the participants' comment, copy, urge and remove-signer).
var adminAware = map[string]bool{
	workflows.UpdateReassign: true, workflows.UpdateExtend: true, workflows.UpdateMoveTo: true,
	workflows.UpdateCancel: true, workflows.UpdateRemind: true, workflows.UpdateUrge: true,
	workflows.UpdateComment: true, workflows.UpdateCopy: true, workflows.UpdateRemoveSigner: true,
	workflows.UpdateCloseScoring: true,
}

// prepare completes an action's input from the database before the workflow sees it: whether
// the actor administers the process's org (the body can never claim it), and the names of the
// accounts it targets (an unknown account is refused with 422 and changes nothing).
func (h *Handler) prepare(ctx context.Context, actor *termgoal.Actor, processID, action string, input workflows.ActionInput) error {
	actor.Admin = false
	if adminAware[action] && actor.AccountID != 0 {
		p, err := h.store.Process(ctx, processID)
		if err != nil {
			return err
		}
		path, err := h.orgPath(ctx, p.OrgID)
		if err != nil {
			return err
		}
		acc, err := h.store.Account(ctx, actor.AccountID)
		if err != nil {
			return err
		}
		actor.Admin = isAdmin(acc, path)
	}
	t, ok := input.(workflows.Targeted)
	if !ok {
		return nil
	}
	for _, to := range t.Targets() {
		acc, err := h.store.Account(ctx, to.AccountID)
		if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
			return termgoal.Errorf(termgoal.EINVALID, "target.unknown", "no such account", "id", to.AccountID)
		}
		if err != nil {
			return err
		}
		*to = termgoal.Actor{AccountID: acc.ID, Name: acc.DisplayName}
	}
	return nil
}

// outcome names how an action ended, for the metrics.
func outcome(err error) string {
	switch code := termgoal.ErrorCode(err); code {
	case "":
		return metrics.Applied
	case termgoal.EUNAVAILABLE:
		return metrics.Unknown
	case termgoal.EINTERNAL:
		return metrics.Failed
	}
	return metrics.Refused
}
