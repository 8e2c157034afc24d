package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
)

// People belong to no org, and they are personal data: only administrators list and add
// them; anyone may read the person their own account stands for.

func (h *Handler) listPeople(c *gin.Context) {
	if !app.IsAnyAdmin(edge.Caller(c)) {
		h.fail(c, app.ErrForbidden())
		return
	}
	limit, offset, ok := h.paging(c)
	if !ok {
		return
	}
	people, total, err := h.store.People(c.Request.Context(), limit, offset)
	if err != nil {
		h.fail(c, err)
		return
	}
	list(c, people, total)
}

func (h *Handler) createPerson(c *gin.Context) {
	var p termgoal.Person
	if !h.bind(c, &p) {
		return
	}
	if err := h.ops.CreatePerson(c.Request.Context(), edge.Caller(c), edge.Actor(c), &p); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, p)
}

func (h *Handler) getPerson(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	acc := edge.Caller(c)
	if !app.IsAnyAdmin(acc) && (acc.PersonID == nil || *acc.PersonID != id) {
		h.fail(c, app.ErrForbidden())
		return
	}
	p, err := h.store.Person(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// updatePerson changes a person's name, gender and birth date (app.EditPerson).
func (h *Handler) updatePerson(c *gin.Context) {
	id, ok := h.idParam(c, "id")
	if !ok {
		return
	}
	var p termgoal.Person
	if !h.bind(c, &p) {
		return
	}
	p.ID = id
	if err := h.ops.EditPerson(c.Request.Context(), edge.Caller(c), edge.Actor(c), &p); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}
