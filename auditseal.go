package termgoal

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SealedLine is a line of the audit log as the hash chain of its process covers it (S4):
// its place in the chain, the hash of the line before it and its own. The database seals it
// (migration 00026); `termgoal audit verify` and an archive's verifier recompute it.
type SealedLine struct {
	ID        int64     `json:"id"`
	Chain     string    `json:"chain"` // the process id, or "global"
	Seq       int64     `json:"seq"`   // its place in the chain, from 1
	Prev      []byte    `json:"prev_hash"`
	Hash      []byte    `json:"hash"`
	At        time.Time `json:"at"`
	ActorID   *int64    `json:"actor_id,omitempty"`
	Actor     string    `json:"actor"`
	IP        string    `json:"ip"`
	Action    string    `json:"action"`
	ProcessID string    `json:"process_id,omitempty"`
	TermID    *int64    `json:"term_id,omitempty"`
	Detail    string    `json:"detail"` // the JSON text as PostgreSQL writes the jsonb value
}

// Canonical is the text the line's hash covers, as audit_canonical writes it in SQL.
func (l SealedLine) Canonical() string {
	opt := func(n *int64) string {
		if n == nil {
			return ""
		}
		return strconv.FormatInt(*n, 10)
	}
	return strings.Join([]string{l.Chain, strconv.FormatInt(l.Seq, 10), strconv.FormatInt(l.ID, 10),
		l.At.UTC().Format("2006-01-02T15:04:05.000000Z"), opt(l.ActorID), l.Actor, l.IP, l.Action, l.ProcessID,
		opt(l.TermID), l.Detail}, "\n")
}

// SealHash is a line's hash: SHA-256 of the hash before it and the line's canonical text.
func SealHash(prev []byte, canonical string) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write([]byte(canonical))
	return h.Sum(nil)
}

// ChainProblem is the first thing wrong in a chain.
type ChainProblem struct {
	Kind  string // changed, inserted, removed, unsealed
	Chain string
	Seq   int64 // the line's place in its chain (or where one is missing)
	ID    int64 // the line's id (0: the line is missing)
	What  string
}

func (p ChainProblem) String() string {
	if p.ID == 0 {
		return fmt.Sprintf("%s: chain %q at #%d: %s", p.Kind, p.Chain, p.Seq, p.What)
	}
	return fmt.Sprintf("%s: line %d (chain %q, #%d): %s", p.Kind, p.ID, p.Chain, p.Seq, p.What)
}

// Follows checks line l against the line before it in its chain (last; for the chain's first
// line, a zero SealedLine of the chain): nil when l comes next, holds what its hash covers and
// links to last's hash.
func (l SealedLine) Follows(last SealedLine) *ChainProblem {
	switch {
	case l.Seq > last.Seq+1:
		return &ChainProblem{Kind: "removed", Chain: l.Chain, Seq: last.Seq + 1, What: fmt.Sprintf("the chain goes from #%d to #%d", last.Seq, l.Seq)}
	case !bytes.Equal(l.Prev, last.Hash):
		return &ChainProblem{Kind: "inserted", Chain: l.Chain, Seq: l.Seq, ID: l.ID, What: "it does not follow the line before it in its chain"}
	case !bytes.Equal(l.Hash, SealHash(l.Prev, l.Canonical())):
		return &ChainProblem{Kind: "changed", Chain: l.Chain, Seq: l.Seq, ID: l.ID, What: "its hash no longer covers what it says"}
	}
	return nil
}

// EndsAt checks that a chain whose last line is l ends where its head says (seq, hash).
func (l SealedLine) EndsAt(seq int64, hash []byte) *ChainProblem {
	switch {
	case l.Seq > seq:
		return &ChainProblem{Kind: "inserted", Chain: l.Chain, Seq: l.Seq, ID: l.ID, What: fmt.Sprintf("the chain goes on past its head, #%d", seq)}
	case l.Seq < seq || !bytes.Equal(hash, l.Hash):
		return &ChainProblem{Kind: "removed", Chain: l.Chain, Seq: l.Seq + 1, What: fmt.Sprintf("the chain ends at #%d, its head says #%d", l.Seq, seq)}
	}
	return nil
}
