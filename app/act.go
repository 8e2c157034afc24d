package app

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"termgoal"
	"termgoal/metrics"
	"termgoal/postgres"
	"termgoal/workflows"
)

// Act applies action to process processID as actor and waits for the outcome: applied (the
// read model already shows it), refused (a *termgoal.Error with the validator's code, key and
// arguments), or unknown (EUNAVAILABLE: retry with the same key). The Temporal update ID is
// the actor's and the key's (UpdateID), so a repeated key never applies the action twice and
// another person's key is not theirs; the key is bound to the request it first came with
// (bodySum). An empty key gets a random one. Web pages call it too.
func (s *Service) Act(ctx context.Context, actor termgoal.Actor, processID, action, key string, input workflows.ActionInput) (res workflows.ActionResult, err error) {
	if _, ok := workflows.Actions[action]; !ok {
		return res, termgoal.Errorf(termgoal.ENOTFOUND, "action.unknown", "no such action")
	}
	defer func() { s.Metrics.CountAction(action, outcome(err)) }()
	if s.Temporal == nil {
		return res, errNoTemporal
	}
	id := randomID()
	if key != "" {
		id = UpdateID(actor, key)
	}
	if err := termgoal.CheckText(input); err != nil {
		return res, err
	}
	if o, ok := input.(*workflows.FileObjectionInput); ok {
		if err := s.keepObjection(ctx, actor, processID, id, o); err != nil {
			return res, err
		}
		if o.Anonymous && actor.AccountID != 0 {
			// Filed as the public files one: the workflow's history, the read model and the
			// audit log get no account, name or address, and the update ID names no account.
			id = anonymousID(actor, key)
			actor = termgoal.Actor{Name: "anonymous"}
		}
	}
	if err := s.prepareAndClaim(ctx, &actor, processID, action, id, key, input); err != nil {
		return res, err
	}
	input.SetActor(actor)
	if err = s.update(ctx, processID, action, id, input, &res); err != nil {
		err = s.hidden(ctx, actor, processID, action, err)
	}
	return res, err
}

// hidden turns the refusal of an action on a process the actor may not see into "not found",
// as its read answers: the refusal (the step it is at, who acts) would tell what the read does
// not. Only a refusal pays for the check; filing an objection to a public notice is anyone's.
func (s *Service) hidden(ctx context.Context, actor termgoal.Actor, processID, action string, err error) error {
	switch termgoal.ErrorCode(err) {
	case termgoal.ECONFLICT, termgoal.EFORBIDDEN, termgoal.EINVALID:
	default:
		return err
	}
	if actor.AccountID == 0 || action == workflows.UpdateFileObjection {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	acc, aerr := s.Store.Account(ctx, actor.AccountID)
	if aerr != nil {
		return err
	}
	p, perr := s.Store.Process(ctx, processID)
	if perr != nil {
		return err
	}
	if ok, cerr := s.CanSeeProcess(ctx, acc, p); cerr == nil && !ok {
		return errNoProcess()
	}
	return err
}

// UpdateID scopes a client's Idempotency-Key to the account that sent it (0: not signed in):
// one member reusing another's key gets an update of their own.
func UpdateID(actor termgoal.Actor, key string) string {
	return fmt.Sprintf("a%d:%s", actor.AccountID, key)
}

// anonymousID is the update ID of an anonymous objection filed by a signed-in account: the
// same for the same account and key, so a retry applies once, but naming no account.
func anonymousID(actor termgoal.Actor, key string) string {
	if key == "" {
		return randomID()
	}
	sum := sha256.Sum256([]byte(UpdateID(actor, key)))
	return "anon:" + hex.EncodeToString(sum[:16])
}

// bodySum is what an Idempotency-Key is bound to besides the action (Store.ClaimKey): the
// input as the client sent it, without its actor (whose address may change between retries;
// the update ID names the account), so the same key with another request answers 422. It runs
// before Act completes the input and sets the actor it sends.
func bodySum(input workflows.ActionInput) ([]byte, error) {
	input.SetActor(termgoal.Actor{})
	b, err := json.Marshal(input)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	return sum[:], nil
}

// Update sends update action with input to workflow processID under update ID key and waits
// for its outcome, as Act does once it has checked and completed the input. Act reaches only
// the actions of workflows.Actions; a few operations (an anonymous ballot, a handover on the
// term's workflow) call Update directly after their own checks. The update's
// result is decoded into out.
func (s *Service) Update(ctx context.Context, processID, action, key string, input, out any) error {
	if err := termgoal.CheckText(input); err != nil {
		return err
	}
	return s.update(ctx, processID, action, key, input, out)
}

// update is Update for input already checked (Act checks it before anything is stored).
func (s *Service) update(ctx context.Context, processID, action, key string, input, out any) error {
	if s.Temporal == nil {
		return errNoTemporal
	}
	ctx, cancel := context.WithTimeout(ctx, s.ActionTimeout)
	defer cancel()
	done, err := s.updates.wait(ctx, processID)
	if err != nil {
		return UnavailableOr(err)
	}
	defer done()
	handle, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
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
		return s.actionError(ctx, processID, err)
	}
	return nil
}

// actionError maps what Temporal answered to a domain error.
func (s *Service) actionError(ctx context.Context, processID string, err error) error {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) {
		if termgoal.IsCode(ae.Type()) && ae.Type() != termgoal.EINTERNAL {
			var d workflows.RefusalDetail
			if ae.HasDetails() {
				_ = ae.Details(&d)
			}
			return &termgoal.Error{Code: ae.Type(), Key: d.Key, Args: d.Args, Message: ae.Message()}
		}
		if strings.HasPrefix(ae.Message(), "unknown update ") {
			// The process's flow does not register the action at all (each flow registers
			// only its own): the same refusal as an action at the wrong step.
			return s.wrongStep(context.WithoutCancel(ctx), processID)
		}
		return err
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		// The workflow does not exist, or it has closed: the read model says which.
		p, perr := s.Store.Process(context.WithoutCancel(ctx), processID)
		switch {
		case termgoal.ErrorCode(perr) == termgoal.ENOTFOUND:
			return errNoProcess()
		case perr != nil:
			return perr
		}
		if err := s.CheckHalted(context.WithoutCancel(ctx), p); err != nil {
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
	return UnavailableOr(err)
}

// wrongStep refuses an action the process's flow has no step for.
func (s *Service) wrongStep(ctx context.Context, processID string) error {
	p, err := s.Store.Process(ctx, processID)
	if err != nil {
		return err
	}
	return termgoal.Errorf(termgoal.ECONFLICT, "action.wrong_step", fmt.Sprintf("the process is at step %s, where this action does not apply", p.Step), "step", string(p.Step))
}

// unavailableOr maps a timeout (also one spent waiting for the process's turn), an unreachable
// or an overloaded Temporal (too many updates of one workflow in flight) to EUNAVAILABLE: the outcome is unknown, and the caller should retry
// with the same Idempotency-Key.
func UnavailableOr(err error) error {
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

// prepareAndClaim runs prepare and, with a key, binds the key to the request (bodySum,
// Store.ClaimKey): both at once, two round trips to the database in the time of one, unless
// the input names accounts, whose refusal (an unknown account) must keep no key.
func (s *Service) prepareAndClaim(ctx context.Context, actor *termgoal.Actor, processID, action, id, key string, input workflows.ActionInput) error {
	if key == "" {
		return s.prepare(ctx, actor, processID, action, input)
	}
	sum, err := bodySum(input)
	if err != nil {
		return err
	}
	if _, targeted := input.(workflows.Targeted); targeted {
		if err := s.prepare(ctx, actor, processID, action, input); err != nil {
			return err
		}
		return s.Store.ClaimKey(ctx, processID, id, action, sum)
	}
	claimed := make(chan error, 1)
	go func() { claimed <- s.Store.ClaimKey(ctx, processID, id, action, sum) }()
	prepared := s.prepare(ctx, actor, processID, action, input)
	return cmp.Or(<-claimed, prepared)
}

// prepare completes an action's input from the database before the workflow sees it: whether
// the actor administers the process's org (the body can never claim it), and the names of the
// accounts it targets (an unknown account is refused with 422 and changes nothing).
func (s *Service) prepare(ctx context.Context, actor *termgoal.Actor, processID, action string, input workflows.ActionInput) error {
	actor.Admin = false
	if adminAware[action] && actor.AccountID != 0 {
		admin, err := s.Store.Administers(ctx, actor.AccountID, processID)
		if err != nil {
			return err
		}
		actor.Admin = admin
	}
	t, ok := input.(workflows.Targeted)
	if !ok {
		return nil
	}
	for _, to := range t.Targets() {
		acc, err := s.Store.Account(ctx, to.AccountID)
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

// keepObjection keeps an objection's content out of the workflow (its history and its state
// would otherwise grow with whatever the public sends): the content is stored in PostgreSQL
// under an ID derived from the process, the update key and the content, and the input carries
// only that ID. A retry with the same key stores nothing new. An address may file
// ObjectionsPerAddress objections on a notice in 24 hours, everyone together
// ObjectionsPerNotice; beyond that the answer is 429.
func (s *Service) keepObjection(ctx context.Context, actor termgoal.Actor, processID, key string, in *workflows.FileObjectionInput) error {
	in.TextID = ""
	if strings.TrimSpace(in.Content) == "" {
		return nil // the workflow refuses it
	}
	sum := sha256.Sum256([]byte(processID + "\x00" + key + "\x00" + in.Content))
	t := postgres.Text{ID: hex.EncodeToString(sum[:]), ProcessID: processID, Content: in.Content, IP: actor.IP, At: s.Now()}
	fromIP, total, err := s.Store.TextCounts(ctx, t.ID, processID, t.IP, t.At.Add(-24*time.Hour))
	if err != nil {
		return err
	}
	switch {
	case fromIP >= s.ObjectionsPerAddress:
		return termgoal.Errorf(termgoal.ETOOMANY, "notice.too_many_from_address",
			"you have filed the most objections allowed on this notice today", "max", s.ObjectionsPerAddress)
	case total >= s.ObjectionsPerNotice:
		return termgoal.Errorf(termgoal.ETOOMANY, "notice.too_many", "this notice has received the most objections allowed today; try again tomorrow",
			"max", s.ObjectionsPerNotice)
	}
	if err := s.Store.PutText(ctx, t); err != nil {
		return err
	}
	in.TextID, in.Content = t.ID, ""
	return nil
}

// randomID is the update ID of an action sent without an Idempotency-Key.
func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
