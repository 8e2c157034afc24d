package app

// Anonymous ballots (P5): an administrator issues one-time codes to a rater group of an
// appraisal and hands them out on paper; anyone holding a code casts one score without signing
// in. Only the sha256 of a code is stored, and the ballot carries the group and the score,
// never who cast it. The code's hash is the update ID, so a retried ballot never counts twice.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode"

	"termgoal"
	"termgoal/workflows"
)

// Ballot codes: BallotCodeLen characters of an alphabet without the look-alikes 0/O, 1/I/L,
// about 49 bits each: guessing one is hopeless under the attempt limit.
const (
	BallotAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	BallotCodeLen  = 10
	maxBallotCodes = 500
	// BallotAttempts bounds the unknown or used codes one address may try in ballotWindow.
	BallotAttempts = 10
	ballotWindow   = 5 * time.Minute
)

// BallotCodesRequest asks for count codes of a rater group.
type BallotCodesRequest struct {
	Group string `json:"group"`
	Count int    `json:"count"`
}

// BallotCodes are the codes issued, shown once: only their hashes are kept.
type BallotCodes struct {
	ProcessID string   `json:"process_id"`
	Group     string   `json:"group"`
	Codes     []string `json:"codes"`
}

// BallotRequest casts one anonymous ballot.
type BallotRequest struct {
	Code  string   `json:"code"`
	Score *float64 `json:"score"`
}

// newBallotCode draws a code uniformly from the alphabet with crypto/rand.
func newBallotCode() (string, error) {
	out := make([]byte, 0, BallotCodeLen)
	buf := make([]byte, 2*BallotCodeLen)
	limit := byte(256 - 256%len(BallotAlphabet)) // rejection sampling keeps every letter equally likely
	for len(out) < BallotCodeLen {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			if b < limit && len(out) < BallotCodeLen {
				out = append(out, BallotAlphabet[int(b)%len(BallotAlphabet)])
			}
		}
	}
	return string(out), nil
}

// normalizeCode accepts a code as people type it: any case, with dashes or any white space
// anywhere (so a normalized code normalizes to itself).
func normalizeCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || unicode.IsSpace(r) {
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// CodeHash is the stored form of a code: the hex sha256 of its normalized text.
func CodeHash(code string) string {
	sum := sha256.Sum256([]byte(normalizeCode(code)))
	return hex.EncodeToString(sum[:])
}

// IssueBallotCodes checks that acc administers the appraisal's org and the group takes
// ballots, stores the hashes of count new codes and audits how many were issued (never the
// codes).
func (s *Service) IssueBallotCodes(ctx context.Context, acc *termgoal.Account, actor termgoal.Actor, processID string, req BallotCodesRequest) (*BallotCodes, error) {
	p, err := s.VisibleProcess(ctx, acc, processID)
	if err != nil {
		return nil, err
	}
	if err := s.adminOf(ctx, acc, p.OrgID); err != nil {
		return nil, err
	}
	if !termgoal.IsAppraisal(p.Kind) || p.Status != "running" {
		return nil, termgoal.Errorf(termgoal.ECONFLICT, "ballot.not_open", "ballot codes are issued for a running appraisal only")
	}
	cfg, err := s.AppraisalConfig(ctx, p)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(cfg.Groups, func(g termgoal.RaterConfig) bool { return g.Key == req.Group && g.Ballots }) {
		return nil, termgoal.Errorf(termgoal.EINVALID, "ballot.group", "this group does not take anonymous ballots", "group", req.Group)
	}
	if req.Count < 1 || req.Count > maxBallotCodes {
		return nil, termgoal.Errorf(termgoal.EINVALID, "ballot.count", "issue 1 to 500 codes at a time", "max", maxBallotCodes)
	}
	out := &BallotCodes{ProcessID: p.ID, Group: req.Group}
	hashes := make([]string, 0, req.Count)
	for len(out.Codes) < req.Count {
		code, err := newBallotCode()
		if err != nil {
			return nil, err
		}
		out.Codes = append(out.Codes, code)
		hashes = append(hashes, CodeHash(code))
	}
	if err := s.Store.IssueBallotCodes(ctx, p.ID, req.Group, hashes); err != nil {
		return nil, err
	}
	return out, s.Audit(ctx, actor, termgoal.Audit{Action: "ballot_codes_issued", ProcessID: p.ID, TermID: p.TermID,
		Detail: map[string]any{"group": req.Group, "count": req.Count}})
}

// AppraisalConfig is the configuration appraisal p started with (its process state keeps the
// snapshot), or, for a row written before it did, its term's template's.
func (s *Service) AppraisalConfig(ctx context.Context, p *termgoal.Process) (termgoal.AppraisalConfig, error) {
	if cfg := p.State.AppraisalConfig; cfg != nil && cfg.Scale.ID != "" {
		return *cfg, nil
	}
	t, err := s.Store.Term(ctx, p.TermID)
	if err != nil {
		return termgoal.AppraisalConfig{}, err
	}
	tpl, err := s.Store.Template(ctx, t.TemplateID)
	if err != nil {
		return termgoal.AppraisalConfig{}, err
	}
	return tpl.AppraisalConfig(), nil
}

// CastBallot checks the code (under a limit of failed attempts per client address), then sends the
// ballot to the appraisal's workflow with an empty actor under the code's hash as the update
// ID. The store uses the code up in the same transaction that counts the ballot.
func (s *Service) CastBallot(ctx context.Context, clientIP string, req BallotRequest) error {
	ip := "ip:" + clientIP
	if s.ballots.blocked(ip) {
		return termgoal.Errorf(termgoal.ETOOMANY, "ballot.too_many_attempts", "too many invalid codes from this address; wait 5 minutes", "minutes", 5)
	}
	code := normalizeCode(req.Code)
	switch {
	case code == "":
		return termgoal.Errorf(termgoal.EINVALID, "ballot.code_required", "enter the code printed on your ballot")
	case req.Score == nil:
		return termgoal.Errorf(termgoal.EINVALID, "ballot.score_required", "give a score from 0 to 100")
	case !(*req.Score >= 0 && *req.Score <= 100):
		return termgoal.Errorf(termgoal.EINVALID, "appraisal.score_range", "a score is between 0 and 100")
	}
	hash := CodeHash(code)
	processID, group, used, err := s.Store.BallotCode(ctx, hash)
	if termgoal.ErrorCode(err) == termgoal.ENOTFOUND {
		s.ballots.fail(ip)
		return err
	}
	if err != nil {
		return err
	}
	if used {
		s.ballots.fail(ip)
		return termgoal.Errorf(termgoal.ECONFLICT, "ballot.code_used", "this code has already been used")
	}
	in := &workflows.BallotInput{CodeHash: hash, Group: group, Score: *req.Score}
	var res workflows.ActionResult
	return s.Update(ctx, processID, workflows.UpdateCastBallot, hash, in, &res)
}
