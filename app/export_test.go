package app

import (
	"context"
	"io"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

func TestMain(m *testing.M) { postgrestest.Main(m) }

// BenchmarkExportAudit (issue 23, `make bench-all`): 100,000 audit lines exported as .xlsx
// by a root administrator. It reports the export's peak live heap against two sizes measured
// in the same run: the lines as stored (their rows in PostgreSQL) and the baseline, the heap
// the same lines take when read as one list (Store.Audit without a limit), as an export that
// gathers its rows first would hold them. The target is a peak well under the rows' size,
// independent of how many rows there are.
func BenchmarkExportAudit(b *testing.B) {
	ctx := context.Background()
	st := postgrestest.New(b)
	const lines = 100000
	_, err := st.DB().ExecContext(ctx, `
		INSERT INTO audit_log (at, actor_name, ip, action, detail)
		SELECT timestamptz '2026-01-01' + make_interval(mins => i), '管理员' || (i % 50), '10.0.0.' || (i % 200), 'commented',
			jsonb_build_object('comment', '同意。' || repeat('目标具体、可考核', 1 + i % 5), 'step', 'consultation', 'version', 1)
		FROM generate_series(1, $1::int) i`, lines)
	if err != nil {
		b.Fatal(err)
	}
	var rowBytes int64
	if err := st.DB().QueryRowContext(ctx, `SELECT sum(pg_column_size(a.*)) FROM audit_log a`).Scan(&rowBytes); err != nil {
		b.Fatal(err)
	}
	s := &Service{Store: st, Now: time.Now}
	root := &termgoal.Account{Grants: []termgoal.Grant{{Role: termgoal.RoleAdmin, OrgPath: "/1/"}}}

	var listPeak int64
	var listed int
	listPeak = peakHeap(func() {
		items, _, err := st.Audit(ctx, postgres.AuditFilter{})
		if err != nil {
			b.Fatal(err)
		}
		listed = len(items)
	})
	if listed != lines {
		b.Fatalf("listed %d lines", listed)
	}
	var peak, size int64
	b.ResetTimer()
	for range b.N {
		peak = max(peak, peakHeap(func() {
			e, err := s.ExportAudit(ctx, root, "zh-CN", postgres.AuditFilter{})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			if e.Rows() != lines {
				b.Fatalf("exported %d lines", e.Rows())
			}
			if size, err = e.WriteTo(io.Discard); err != nil {
				b.Fatal(err)
			}
		}))
	}
	b.StopTimer()
	const mb = 1 << 20
	b.ReportMetric(float64(peak)/mb, "peak-heap-MB")
	b.ReportMetric(float64(rowBytes)/mb, "rows-MB")
	b.ReportMetric(float64(listPeak)/mb, "list-heap-MB")
	b.ReportMetric(float64(size)/mb, "xlsx-MB")
	b.ReportMetric(float64(peak)/float64(rowBytes), "peak/rows")
	b.ReportMetric(float64(peak)/float64(listPeak), "peak/list")
}

// peakHeap runs fn and answers the most heap seen above what was live before it, sampled
// every millisecond; the collector runs at a tenth of the heap's growth meanwhile, so what is
// seen is close to what is live rather than garbage awaiting collection.
func peakHeap(fn func()) int64 {
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() int64 {
		metrics.Read(sample)
		return int64(sample[0].Value.Uint64())
	}
	runtime.GC()
	base := read()
	var peak int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			peak = max(peak, read()-base)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	fn()
	close(done)
	wg.Wait()
	return max(peak, read()-base)
}
