package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"termgoal"
)

// An import (A7) loads orgs, people, posts and terms from a department's spreadsheets. Each row
// carries the department's own code of what it describes (its key, kept as import_key,
// migration 00016): a key seen before updates that record, a new one creates it, so the same
// file twice changes nothing. Everything goes in one transaction: when any row is wrong,
// nothing is written.

// ImportData is what an import file holds, each kind in the file's order. Row is the row's
// number in its sheet (the header is row 1), for the errors.
type ImportData struct {
	Orgs   []ImportOrg
	People []ImportPerson
	Posts  []ImportPost
	Terms  []ImportTerm
}

// Rows counts the rows of every kind.
func (d *ImportData) Rows() int { return len(d.Orgs) + len(d.People) + len(d.Posts) + len(d.Terms) }

// ImportOrg is a row of the orgs sheet; ParentKey names the parent by its key (empty: a root).
type ImportOrg struct {
	Row                  int
	Key, ParentKey, Name string
	Type                 termgoal.OrgType
}

// ImportPerson is a row of the people sheet.
type ImportPerson struct {
	Row               int
	Key, Name, Gender string
	BirthDate         *time.Time
	NonParty          bool
}

// ImportPost is a row of the posts sheet.
type ImportPost struct {
	Row                             int
	Key, OrgKey, Title, Rank        string
	Principal, Specialist, Congress bool
}

// ImportTerm is a row of the terms sheet; Template names a template by its ID or its name.
type ImportTerm struct {
	Row                             int
	Key, OrgKey, PersonKey, PostKey string
	HolderKind                      termgoal.HolderKind
	Appointment                     termgoal.Appointment
	Start, End                      time.Time
	Template                        string
	ProbationStart                  *time.Time
}

// ImportCount is what an import did to one kind of record.
type ImportCount struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// ImportResult is what an import did, or would do (a dry run).
type ImportResult struct {
	Orgs   ImportCount `json:"orgs"`
	People ImportCount `json:"people"`
	Posts  ImportCount `json:"posts"`
	Terms  ImportCount `json:"terms"`
}

// RowError is what is wrong with one cell of an import file: Key and Args name the message in
// the catalog (the reader's language), Message is it in English.
type RowError struct {
	Sheet   string         `json:"sheet"`
	Row     int            `json:"row"`
	Column  string         `json:"column"`
	Key     string         `json:"key"`
	Args    map[string]any `json:"args,omitempty"`
	Message string         `json:"message"`
}

// ImportErrors are the rows an import refused; nothing was written.
type ImportErrors []RowError

func (e ImportErrors) Error() string {
	if len(e) == 0 {
		return "no import errors"
	}
	return fmt.Sprintf("%d rows of the import are wrong, the first: %s row %d %s: %s", len(e), e[0].Sheet, e[0].Row, e[0].Column, e[0].Message)
}

// Import sheet names: the sheets of an XLSX file, and the kind of a CSV file.
const (
	SheetOrgs   = "orgs"
	SheetPeople = "people"
	SheetPosts  = "posts"
	SheetTerms  = "terms"
)

// Import writes d in one transaction, orgs first (a parent before its children, wherever it is
// in the file), then people, posts and terms. Rows whose references do not resolve are
// ImportErrors and nothing is written; a dry run writes nothing either and answers what the
// import would do. progress, when set, hears how many rows are done.
func (s *Store) Import(ctx context.Context, d *ImportData, dryRun bool, progress func(done int)) (ImportResult, error) {
	var res ImportResult
	im := &importer{ctx: ctx, orgs: map[string]int64{}, people: map[string]int64{}, posts: map[string]int64{}, progress: progress}
	err := s.inTx(ctx, "import", func(tx *sql.Tx) error {
		im.tx = tx
		for _, step := range []func(*ImportData, *ImportResult) error{im.importOrgs, im.importPeople, im.importPosts, im.importTerms} {
			if err := step(d, &res); err != nil {
				return err
			}
		}
		if len(im.errs) > 0 {
			return im.errs
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	var ie ImportErrors
	switch {
	case errors.Is(err, errDryRun):
		return res, nil
	case errors.As(err, &ie):
		return ImportResult{}, ie
	}
	return res, err
}

var errDryRun = errors.New("dry run")

// importer is one import's transaction, the IDs of the keys it has met and the rows refused.
type importer struct {
	ctx                 context.Context
	tx                  *sql.Tx
	orgs, people, posts map[string]int64
	errs                ImportErrors
	done                int
	progress            func(int)
}

func (im *importer) refuse(sheet string, row int, column, key, msg string, kv ...any) {
	args := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		args[fmt.Sprint(kv[i])] = kv[i+1]
	}
	im.errs = append(im.errs, RowError{Sheet: sheet, Row: row, Column: column, Key: key, Args: args, Message: msg})
}

func (im *importer) tick() {
	im.done++
	if im.progress != nil {
		im.progress(im.done)
	}
}

// id finds the record of kind (a table) with key: from this import, else from an earlier one.
func (im *importer) id(table string, seen map[string]int64, key string) (int64, bool, error) {
	if id, ok := seen[key]; ok {
		return id, true, nil
	}
	var id int64
	err := im.tx.QueryRowContext(im.ctx, `SELECT id FROM `+table+` WHERE import_key = $1`, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err == nil {
		seen[key] = id
	}
	return id, err == nil, err
}

// count records what writing one row did.
func count(c *ImportCount, existed, changed bool) {
	switch {
	case !existed:
		c.Created++
	case changed:
		c.Updated++
	default:
		c.Unchanged++
	}
}

func (im *importer) importOrgs(d *ImportData, res *ImportResult) error {
	pending := d.Orgs
	for len(pending) > 0 {
		var later []ImportOrg
		for _, o := range pending {
			var parent *int64
			if o.ParentKey != "" {
				id, ok, err := im.id("orgs", im.orgs, o.ParentKey)
				if err != nil {
					return err
				}
				if !ok {
					later = append(later, o) // its parent may come later in the file
					continue
				}
				parent = &id
			}
			if err := im.org(o, parent, &res.Orgs); err != nil {
				return err
			}
		}
		if len(later) == len(pending) {
			for _, o := range later {
				im.refuse(SheetOrgs, o.Row, "parent_key", "import.parent_unknown",
					"no org has key "+o.ParentKey+" (or the parents form a loop)", "key", o.ParentKey)
			}
			return nil
		}
		pending = later
	}
	return nil
}

func (im *importer) org(o ImportOrg, parent *int64, c *ImportCount) error {
	defer im.tick()
	var id int64
	var was sql.NullInt64
	var name, typ string
	err := im.tx.QueryRowContext(im.ctx, `SELECT id, parent_id, name, type FROM orgs WHERE import_key = $1`, o.Key).Scan(&id, &was, &name, &typ)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = im.tx.QueryRowContext(im.ctx, `
			INSERT INTO orgs (id, parent_id, name, type, path, import_key)
			SELECT n.id, $1::bigint, $2, $3, COALESCE(p.path, '/') || n.id || '/', $4
			FROM (SELECT nextval('orgs_id_seq') AS id) n LEFT JOIN orgs p ON p.id = $1
			RETURNING id`, parent, o.Name, o.Type, o.Key).Scan(&id)
		if err != nil {
			return err
		}
		count(c, false, false)
	case err != nil:
		return err
	case was.Valid != (parent != nil) || parent != nil && was.Int64 != *parent:
		im.refuse(SheetOrgs, o.Row, "parent_key", "import.org_moved", "the org "+o.Key+" is under another parent; an import does not move orgs", "key", o.Key)
	default:
		changed := name != o.Name || typ != string(o.Type)
		if changed {
			if _, err := im.tx.ExecContext(im.ctx, `UPDATE orgs SET name = $2, type = $3 WHERE id = $1`, id, o.Name, o.Type); err != nil {
				return err
			}
		}
		count(c, true, changed)
	}
	im.orgs[o.Key] = id
	return nil
}

func (im *importer) importPeople(d *ImportData, res *ImportResult) error {
	for _, p := range d.People {
		var id int64
		var name, gender string
		var birth sql.NullString
		var nonParty bool
		err := im.tx.QueryRowContext(im.ctx, `SELECT id, name, gender, birth_date::text, non_party FROM people WHERE import_key = $1`, p.Key).
			Scan(&id, &name, &gender, &birth, &nonParty)
		birthArg := optDateArg(p.BirthDate)
		newBirth := ""
		if p.BirthDate != nil {
			newBirth = p.BirthDate.Format(time.DateOnly)
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			err = im.tx.QueryRowContext(im.ctx, `INSERT INTO people (name, gender, birth_date, non_party, import_key) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
				p.Name, p.Gender, birthArg, p.NonParty, p.Key).Scan(&id)
			if err != nil {
				return err
			}
			count(&res.People, false, false)
		case err != nil:
			return err
		default:
			changed := name != p.Name || gender != p.Gender || birth.String != newBirth || nonParty != p.NonParty
			if changed {
				if _, err := im.tx.ExecContext(im.ctx, `UPDATE people SET name = $2, gender = $3, birth_date = $4, non_party = $5 WHERE id = $1`,
					id, p.Name, p.Gender, birthArg, p.NonParty); err != nil {
					return err
				}
			}
			count(&res.People, true, changed)
		}
		im.people[p.Key] = id
		im.tick()
	}
	return nil
}

func (im *importer) importPosts(d *ImportData, res *ImportResult) error {
	for _, p := range d.Posts {
		org, ok, err := im.id("orgs", im.orgs, p.OrgKey)
		if err != nil {
			return err
		}
		if !ok {
			im.refuse(SheetPosts, p.Row, "org_key", "import.org_unknown", "no org has key "+p.OrgKey, "key", p.OrgKey)
			continue
		}
		var id, wasOrg int64
		var title, rank string
		var principal, specialist, congress bool
		err = im.tx.QueryRowContext(im.ctx, `SELECT id, org_id, title, rank, principal, specialist, congress FROM posts WHERE import_key = $1`, p.Key).
			Scan(&id, &wasOrg, &title, &rank, &principal, &specialist, &congress)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			err = im.tx.QueryRowContext(im.ctx, `INSERT INTO posts (org_id, title, rank, principal, specialist, congress, import_key)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, org, p.Title, p.Rank, p.Principal, p.Specialist, p.Congress, p.Key).Scan(&id)
			if err != nil {
				return err
			}
			count(&res.Posts, false, false)
		case err != nil:
			return err
		default:
			changed := wasOrg != org || title != p.Title || rank != p.Rank || principal != p.Principal ||
				specialist != p.Specialist || congress != p.Congress
			if changed {
				if _, err := im.tx.ExecContext(im.ctx, `UPDATE posts SET org_id = $2, title = $3, rank = $4, principal = $5, specialist = $6, congress = $7
					WHERE id = $1`, id, org, p.Title, p.Rank, p.Principal, p.Specialist, p.Congress); err != nil {
					return err
				}
			}
			count(&res.Posts, true, changed)
		}
		im.posts[p.Key] = id
		im.tick()
	}
	return nil
}

// template finds a template by its ID or, failing that, its one name.
func (im *importer) template(ref string) (int64, string, error) {
	var ids []int64
	rows, err := im.tx.QueryContext(im.ctx, `SELECT id FROM templates WHERE name = $1 OR id::text = $1 ORDER BY (id::text = $1) DESC, id`, ref)
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, "", err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	switch {
	case len(ids) == 0:
		return 0, "import.template_unknown", nil
	case len(ids) > 1 && strconv.FormatInt(ids[0], 10) != ref:
		return 0, "import.template_ambiguous", nil
	}
	return ids[0], "", nil
}

func (im *importer) importTerms(d *ImportData, res *ImportResult) error {
	for _, t := range d.Terms {
		if err := im.term(t, &res.Terms); err != nil {
			return err
		}
		im.tick()
	}
	return nil
}

func (im *importer) term(r ImportTerm, c *ImportCount) error {
	t := termgoal.Term{HolderKind: r.HolderKind, Appointment: r.Appointment, Start: r.Start, End: r.End, ProbationStart: r.ProbationStart}
	org, ok, err := im.id("orgs", im.orgs, r.OrgKey)
	if err != nil {
		return err
	}
	if !ok {
		im.refuse(SheetTerms, r.Row, "org_key", "import.org_unknown", "no org has key "+r.OrgKey, "key", r.OrgKey)
		return nil
	}
	t.OrgID = org
	for _, ref := range []struct {
		key, column, table string
		seen               map[string]int64
		into               **int64
	}{{r.PersonKey, "person_key", "people", im.people, &t.PersonID}, {r.PostKey, "post_key", "posts", im.posts, &t.PostID}} {
		if ref.key == "" {
			continue
		}
		id, ok, err := im.id(ref.table, ref.seen, ref.key)
		if err != nil {
			return err
		}
		if !ok {
			im.refuse(SheetTerms, r.Row, ref.column, "import.ref_unknown", "nothing has key "+ref.key, "key", ref.key)
			return nil
		}
		*ref.into = &id
	}
	tpl, refusal, err := im.template(r.Template)
	if err != nil {
		return err
	}
	if refusal != "" {
		im.refuse(SheetTerms, r.Row, "template", refusal, "no single template has this ID or name: "+r.Template, "template", r.Template)
		return nil
	}
	t.TemplateID = tpl
	if err := t.Validate(); err != nil {
		var e *termgoal.Error
		if errors.As(err, &e) {
			im.refuse(SheetTerms, r.Row, "", e.Key, e.Message, flatArgs(e.Args)...)
			return nil
		}
		return err
	}
	var id int64
	var status, was string
	err = im.tx.QueryRowContext(im.ctx, `
		SELECT id, CASE WHEN process_id IS NULL THEN status ELSE 'started' END, concat_ws('|', org_id, holder_kind, coalesce(person_id::text, '-'), coalesce(post_id::text, '-'), appointment,
			coalesce(probation_start::text, '-'), start_on, end_on, template_id)
		FROM terms WHERE import_key = $1`, r.Key).Scan(&id, &status, &was)
	args := []any{t.OrgID, t.HolderKind, t.PersonID, t.PostID, t.Appointment, optDateArg(t.ProbationStart), dateArg(t.Start), dateArg(t.End), t.TemplateID}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = im.tx.ExecContext(im.ctx, `
			INSERT INTO terms (org_id, holder_kind, person_id, post_id, appointment, probation_start, start_on, end_on, template_id, status, import_key)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'registered', $10)`, append(args, r.Key)...)
		if err != nil {
			return err
		}
		count(c, false, false)
		return nil
	case err != nil:
		return err
	}
	var now string
	if err := im.tx.QueryRowContext(im.ctx, `SELECT concat_ws('|', $1::bigint, $2::text, coalesce($3::bigint::text, '-'), coalesce($4::bigint::text, '-'), $5::text,
		coalesce($6::date::text, '-'), $7::date, $8::date, $9::bigint)`,
		args...).Scan(&now); err != nil {
		return err
	}
	changed := now != was
	if changed && status != "registered" {
		im.refuse(SheetTerms, r.Row, "", "import.term_started", "the term's goal setting has started; change the term in termgoal", "key", r.Key)
		return nil
	}
	if changed {
		if _, err := im.tx.ExecContext(im.ctx, `
			UPDATE terms SET org_id = $2, holder_kind = $3, person_id = $4, post_id = $5, appointment = $6, probation_start = $7,
				start_on = $8, end_on = $9, template_id = $10 WHERE id = $1`, append([]any{id}, args...)...); err != nil {
			return err
		}
	}
	count(c, true, changed)
	return nil
}

// flatArgs turns a message's arguments into name, value pairs.
func flatArgs(m map[string]any) []any {
	var kv []any
	for k, v := range m {
		kv = append(kv, k, v)
	}
	return kv
}
