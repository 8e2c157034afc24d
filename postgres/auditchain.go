package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/lib/pq"

	"termgoal"
)

// The audit log's hash chains (migration 00026): every confirmed line sealed into the chain of
// its process ('global' for the rest), each hash covering the hash before it and the line.

// AuditProblem is the first thing VerifyAudit found wrong.
type AuditProblem = termgoal.ChainProblem

// AuditReport is what VerifyAudit checked: the lines and chains, and the first problem (nil:
// every chain holds).
type AuditReport struct {
	Lines, Chains int
	Problem       *AuditProblem
}

// auditLineCols are the columns of a sealed line, for scanSealed.
const auditLineCols = `id, chain, chain_seq, prev_hash, hash, at, actor_id, actor_name, ip, action, coalesce(process_id, ''), term_id, detail::text`

func scanSealed(r scanner) (termgoal.SealedLine, error) {
	var l termgoal.SealedLine
	var actor, term sql.NullInt64
	err := r.Scan(&l.ID, &l.Chain, &l.Seq, &l.Prev, &l.Hash, &l.At, &actor, &l.Actor, &l.IP, &l.Action, &l.ProcessID, &term, &l.Detail)
	if actor.Valid {
		l.ActorID = &actor.Int64
	}
	if term.Valid {
		l.TermID = &term.Int64
	}
	return l, err
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
	rows, err := s.db.QueryContext(ctx, `SELECT `+auditLineCols+` FROM audit_log WHERE hash IS NOT NULL ORDER BY chain, chain_seq`)
	if err != nil {
		return rep, fmt.Errorf("verify audit: %w", err)
	}
	defer rows.Close()
	var last termgoal.SealedLine // the line before, in its chain
	seen := map[string]bool{}
	endChain := func() *AuditProblem {
		if last.Chain == "" {
			return nil
		}
		h := heads[last.Chain]
		return last.EndsAt(h.seq, h.hash)
	}
	for rows.Next() {
		l, err := scanSealed(rows)
		if err != nil {
			return rep, err
		}
		rep.Lines++
		if l.Chain != last.Chain {
			if p := endChain(); p != nil {
				rep.Problem = p
				return rep, nil
			}
			rep.Chains++
			seen[l.Chain] = true
			last = termgoal.SealedLine{Chain: l.Chain}
		}
		if rep.Problem = l.Follows(last); rep.Problem != nil {
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

// SealedLines returns the sealed lines of the chains named, chain by chain in order.
func (s *Store) SealedLines(ctx context.Context, chains []string) ([]termgoal.SealedLine, error) {
	return list(ctx, s.db, scanSealed, `SELECT `+auditLineCols+` FROM audit_log
		WHERE chain = ANY($1) AND hash IS NOT NULL ORDER BY chain, chain_seq`, pq.Array(chains))
}
