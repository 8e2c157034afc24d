package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The audit log's hash chains (migration 00026): every confirmed line sealed into the chain of
// its process ('global' for the rest), each hash covering the hash before it and the line.

// AuditProblem is the first thing VerifyAudit found wrong.
type AuditProblem struct {
	Kind  string // changed, inserted, removed, unsealed
	Chain string
	Seq   int64 // the line's place in its chain (or where one is missing)
	ID    int64 // the line's id (0: the line is missing)
	What  string
}

func (p AuditProblem) String() string {
	if p.ID == 0 {
		return fmt.Sprintf("%s: chain %q at #%d: %s", p.Kind, p.Chain, p.Seq, p.What)
	}
	return fmt.Sprintf("%s: line %d (chain %q, #%d): %s", p.Kind, p.ID, p.Chain, p.Seq, p.What)
}

// AuditReport is what VerifyAudit checked: the lines and chains, and the first problem (nil:
// every chain holds).
type AuditReport struct {
	Lines, Chains int
	Problem       *AuditProblem
}

// auditLine is a sealed line as the chain covers it.
type auditLine struct {
	id, seq           int64
	chain             string
	prev, hash        []byte
	at                time.Time
	actorID, termID   sql.NullInt64
	actor, ip, action string
	process           sql.NullString
	detail            string // as PostgreSQL writes the jsonb value
}

// auditCanonical is the text a line's hash covers, as audit_canonical writes it in SQL.
func auditCanonical(l auditLine) string {
	opt := func(n sql.NullInt64) string {
		if !n.Valid {
			return ""
		}
		return strconv.FormatInt(n.Int64, 10)
	}
	return strings.Join([]string{l.chain, strconv.FormatInt(l.seq, 10), strconv.FormatInt(l.id, 10),
		l.at.UTC().Format("2006-01-02T15:04:05.000000Z"), opt(l.actorID), l.actor, l.ip, l.action, l.process.String,
		opt(l.termID), l.detail}, "\n")
}

// auditHash is a line's hash: SHA-256 of the hash before it and the line's canonical text.
func auditHash(prev []byte, canonical string) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write([]byte(canonical))
	return h.Sum(nil)
}

// VerifyAudit recomputes every chain of the audit log, line by line in the database's order,
// and reports the first line changed (its hash no longer covers it), inserted (it does not
// follow the line before it), removed (a place is missing, or the chain ends before its head
// says) or written confirmed without a seal (the trigger was bypassed). It reads the log once,
// keeping one chain's last line at a time.
func (s *Store) VerifyAudit(ctx context.Context) (AuditReport, error) {
	var rep AuditReport
	var unsealed int64
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(min(id), 0) FROM audit_log WHERE confirmed AND hash IS NULL`).Scan(&unsealed)
	if err != nil {
		return rep, fmt.Errorf("verify audit: %w", err)
	}
	if unsealed != 0 {
		rep.Problem = &AuditProblem{Kind: "unsealed", ID: unsealed, What: "a confirmed line has no seal: it was written past the trigger"}
		return rep, nil
	}
	type head struct {
		seq  int64
		hash []byte
	}
	heads := map[string]head{}
	hrows, err := s.db.QueryContext(ctx, `SELECT chain, seq, hash FROM audit_chains`)
	if err != nil {
		return rep, fmt.Errorf("verify audit: %w", err)
	}
	for hrows.Next() {
		var chain string
		var h head
		if err := hrows.Scan(&chain, &h.seq, &h.hash); err != nil {
			_ = hrows.Close()
			return rep, err
		}
		heads[chain] = h
	}
	if err := hrows.Close(); err != nil {
		return rep, err
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT id, chain, chain_seq, prev_hash, hash, at, actor_id, actor_name, ip, action, process_id, term_id, detail::text
		FROM audit_log WHERE hash IS NOT NULL ORDER BY chain, chain_seq`)
	if err != nil {
		return rep, fmt.Errorf("verify audit: %w", err)
	}
	defer rows.Close()
	var last auditLine // the line before, in its chain
	seen := map[string]bool{}
	endChain := func() *AuditProblem {
		if last.chain == "" {
			return nil
		}
		h := heads[last.chain]
		switch {
		case last.seq > h.seq:
			return &AuditProblem{Kind: "inserted", Chain: last.chain, Seq: last.seq, ID: last.id,
				What: fmt.Sprintf("the chain goes on past its head, #%d", h.seq)}
		case last.seq < h.seq || !bytes.Equal(h.hash, last.hash):
			return &AuditProblem{Kind: "removed", Chain: last.chain, Seq: last.seq + 1,
				What: fmt.Sprintf("the chain ends at #%d, its head says #%d", last.seq, h.seq)}
		}
		return nil
	}
	for rows.Next() {
		var l auditLine
		if err := rows.Scan(&l.id, &l.chain, &l.seq, &l.prev, &l.hash, &l.at, &l.actorID, &l.actor, &l.ip, &l.action,
			&l.process, &l.termID, &l.detail); err != nil {
			return rep, err
		}
		rep.Lines++
		if l.chain != last.chain {
			if p := endChain(); p != nil {
				rep.Problem = p
				return rep, nil
			}
			rep.Chains++
			seen[l.chain] = true
			last = auditLine{chain: l.chain}
		}
		switch {
		case l.seq > last.seq+1:
			rep.Problem = &AuditProblem{Kind: "removed", Chain: l.chain, Seq: last.seq + 1,
				What: fmt.Sprintf("the chain goes from #%d to #%d", last.seq, l.seq)}
		case !bytes.Equal(l.prev, last.hash):
			rep.Problem = &AuditProblem{Kind: "inserted", Chain: l.chain, Seq: l.seq, ID: l.id,
				What: "it does not follow the line before it in its chain"}
		case !bytes.Equal(l.hash, auditHash(l.prev, auditCanonical(l))):
			rep.Problem = &AuditProblem{Kind: "changed", Chain: l.chain, Seq: l.seq, ID: l.id,
				What: "its hash no longer covers what it says"}
		}
		if rep.Problem != nil {
			return rep, nil
		}
		last = l
	}
	if err := rows.Err(); err != nil {
		return rep, err
	}
	if p := endChain(); p != nil {
		rep.Problem = p
		return rep, nil
	}
	for chain, h := range heads {
		if !seen[chain] && h.seq > 0 {
			rep.Problem = &AuditProblem{Kind: "removed", Chain: chain, Seq: 1, What: fmt.Sprintf("every line of the chain is gone; its head says #%d", h.seq)}
			return rep, nil
		}
	}
	return rep, nil
}
