/* decode.c - libvirt's x86 decode over feature sets. */
#include "decode.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "host.h"

/* What one candidate model would need. */
struct candidate {
	const struct cm_model *model;
	struct fset require;
	struct fset disable;
	struct fset removed; /* own removed features not otherwise listed (guest) */
	size_t nreq, ndis;   /* ndis counts disable + removed */
};

static void candidate_fini(struct candidate *c)
{
	fset_fini(&c->require);
	fset_fini(&c->disable);
	fset_fini(&c->removed);
}

void decode_result_fini(struct decode_result *r)
{
	if (!r)
		return;
	free(r->features);
	r->features = NULL;
	r->nfeatures = 0;
	fset_fini(&r->require);
	fset_fini(&r->disable);
}

void decode_model_removed(const struct cpu_map *map, const struct cm_model *m, struct fset *out)
{
	const struct cm_model *anc = m->ancestor ? cpu_map_model(map, m->ancestor) : NULL;

	fset_copy(out, &m->removed);
	if (anc)
		fset_andnot(out, &anc->removed);
}

/* libvirt's stepping bitmap syntax: "N", "A-B", comma separated, with
 * "^N" excluding. */
static bool stepping_in(const char *spec, int stepping)
{
	bool in = false;
	const char *p = spec;

	while (*p) {
		bool neg = false;
		char *end = NULL;
		long a, b;

		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		if (*p == '^') {
			neg = true;
			p++;
		}
		a = strtol(p, &end, 10);
		if (end == p)
			return false;
		b = a;
		p = end;
		if (*p == '-') {
			p++;
			b = strtol(p, &end, 10);
			if (end == p)
				return false;
			p = end;
		}
		if (stepping >= a && stepping <= b)
			in = !neg;
	}
	return in;
}

bool decode_signature_match(const struct cm_model *m, int family, int model, int stepping)
{
	for (size_t i = 0; i < m->nsigs; i++) {
		const struct cm_signature *s = &m->sigs[i];
		if (s->family == family && s->model == model &&
		    (!s->stepping || stepping_in(s->stepping, stepping)))
			return true;
	}
	return false;
}

static const struct decode_hv_model *hv_find(const struct decode_input *in, const char *name)
{
	for (size_t i = 0; i < in->n_hv_models; i++)
		if (!strcmp(in->hv_models[i].name, name))
			return &in->hv_models[i];
	return NULL;
}

static bool is_preferred(const struct decode_input *in, const char *name)
{
	for (size_t i = 0; i < in->n_preferred; i++)
		if (in->preferred[i] && !strcmp(in->preferred[i], name))
			return true;
	return false;
}

/* The length of a candidate's description and its disable part.  Host
 * type: the number of features.  Guest type: libvirt walks the list
 * (requires first, then disables) while its index is below a count of
 * enabled features that each disable lowers, adding a penalty of 2, 3,
 * 4, ... per disable it meets; so only about half of the disables are
 * ever seen.  Reproduced as is, since it decides ties. */
static void describe_len(const struct candidate *c, bool guest, size_t *total, size_t *disabled)
{
	size_t enabled = c->nreq + c->ndis, dis = 0, penalty = 2;

	if (!guest) {
		*total = enabled;
		*disabled = 0;
		return;
	}
	for (size_t i = 0; i < enabled; i++) {
		if (i >= c->nreq) {
			enabled--;
			dis += penalty;
			penalty++;
		}
	}
	*total = enabled + dis;
	*disabled = dis;
}

/* 0: keep the current choice, 1: take the candidate, 2: take it and stop. */
static int use_candidate(const struct decode_input *in, const struct candidate *cur,
			 const struct candidate *cand, bool sig)
{
	const struct cm_model *m = cand->model;
	bool guest = in->type == DECODE_GUEST;
	bool preferred;
	size_t cur_len, cur_dis, cand_len, cand_dis;

	if (!guest && !m->decode_host)
		return 0;
	if (guest && !m->decode_guest)
		return 0;
	if (!guest && cand->ndis)
		return 0;
	preferred = is_preferred(in, m->name);
	if (preferred && in->n_preferred == 1)
		return 2;
	if (!cur->model)
		return 1;
	if (sig) {
		bool cur_sig = decode_signature_match(cur->model, in->family, in->model, in->stepping);
		bool cand_sig = decode_signature_match(m, in->family, in->model, in->stepping);
		if (cur_sig && !cand_sig)
			return 0;
		if (!cur_sig && cand_sig)
			return 1;
	}
	describe_len(cur, guest, &cur_len, &cur_dis);
	describe_len(cand, guest, &cand_len, &cand_dis);
	if (cand_len < cur_len || (cand_len == cur_len && cand_dis < cur_dis))
		return 1;
	if (preferred && cand_dis < cur_dis)
		return 1;
	return 0;
}

static void candidate_fill(const struct cpu_map *map, const struct decode_input *in,
			   const struct fset *data, const struct cm_model *m,
			   const struct decode_hv_model *hv, struct candidate *c)
{
	c->model = m;
	fset_copy(&c->require, data);
	fset_andnot(&c->require, &m->features);
	fset_copy(&c->disable, &m->features);
	fset_andnot(&c->disable, data);
	/* A blocker is disabled unless the CPU has it beyond the model. */
	if (hv && hv->blockers) {
		struct fset b = FSET_INIT;
		fset_copy(&b, hv->blockers);
		fset_and(&b, &map->known);
		fset_andnot(&b, &c->require);
		fset_or(&c->disable, &b);
		fset_fini(&b);
	}
	fset_clear_all(&c->removed);
	if (in->type == DECODE_GUEST) {
		decode_model_removed(map, m, &c->removed);
		fset_andnot(&c->removed, &c->require);
		fset_andnot(&c->removed, &c->disable);
	}
	c->nreq = fset_count(&c->require);
	c->ndis = fset_count(&c->disable) + fset_count(&c->removed);
}

static void candidate_swap(struct candidate *a, struct candidate *b)
{
	struct candidate t = *a;

	*a = *b;
	*b = t;
}

static void result_push(struct decode_result *r, unsigned id, enum policy p)
{
	r->features[r->nfeatures].id = id;
	r->features[r->nfeatures].policy = p;
	r->nfeatures++;
}

void decode_input_from_host(struct decode_input *in, const struct host *h,
			    enum decode_type type)
{
	memset(in, 0, sizeof(*in));
	in->features = &h->features;
	in->vendor = h->vendor;
	in->has_signature = h->has_signature;
	in->family = h->family;
	in->model = h->cpu_model;
	in->stepping = h->stepping;
	in->type = type;
}

bool cpu_decode(const struct cpu_map *map, const struct decode_input *in, struct decode_result *r,
		struct err *e)
{
	struct fset data = FSET_INIT;
	struct candidate best, cand;
	const struct cm_vendor *vendor = NULL;
	bool sig = in->has_signature && (in->family || in->model || in->stepping);
	bool ok = false;
	size_t total;

	memset(r, 0, sizeof(*r));
	memset(&best, 0, sizeof(best));
	memset(&cand, 0, sizeof(cand));
	if (in->vendor)
		vendor = cpu_map_vendor(map, in->vendor);
	fset_copy(&data, in->features);
	fset_and(&data, &map->known);
	/* Broken TSX on some Intel parts. */
	if (vendor && !strcmp(vendor->name, "Intel") && sig && in->family == 6 &&
	    ((in->model == 63 && in->stepping < 4) || in->model == 60 || in->model == 69 ||
	     in->model == 70)) {
		const struct feature *f = cpu_map_feature(map, "hle");
		if (f)
			fset_del(&data, f->id);
		f = cpu_map_feature(map, "rtm");
		if (f)
			fset_del(&data, f->id);
	}
	for (size_t i = map->models.n; i-- > 0;) {
		const struct cm_model *m = vec_get(&map->models, i);
		const struct decode_hv_model *hv = NULL;
		int rc;

		if (in->restrict_models) {
			hv = hv_find(in, m->name);
			if (!hv) {
				if (in->n_preferred == 1 && in->preferred[0] &&
				    !strcmp(in->preferred[0], m->name) && !in->fallback_allow) {
					err_set(e, NULL, 0, "CPU model %s is not supported by hypervisor",
						m->name);
					goto out;
				}
				continue;
			}
		}
		if (vendor && m->vendor && strcmp(vendor->name, m->vendor) != 0)
			continue;
		candidate_fill(map, in, &data, m, hv, &cand);
		rc = use_candidate(in, &best, &cand, sig);
		if (rc) {
			candidate_swap(&best, &cand);
			if (rc == 2)
				break;
		}
	}
	if (!best.model) {
		err_set(e, NULL, 0, "Cannot find suitable CPU model for given data");
		goto out;
	}
	if (in->migratable) {
		fset_andnot(&best.require, &map->nonmigratable);
		fset_andnot(&best.disable, &map->nonmigratable);
		fset_andnot(&best.removed, &map->nonmigratable);
	}
	r->model = best.model;
	r->vendor = vendor ? vendor->name : NULL;
	total = fset_count(&best.require) + fset_count(&best.disable) + fset_count(&best.removed);
	r->features = xcalloc(total ? total : 1, sizeof(*r->features));
	for (size_t pass = 0; pass < 3; pass++) {
		const struct fset *s = pass == 0 ? &best.require : pass == 1 ? &best.disable
									: &best.removed;
		for (size_t i = 0; i < map->features.n; i++) {
			const struct feature *f = map->features.v[i];
			if (fset_has(s, f->id))
				result_push(r, f->id, pass == 0 ? POLICY_REQUIRE : POLICY_DISABLE);
		}
	}
	fset_copy(&r->require, &best.require);
	fset_copy(&r->disable, &best.disable);
	fset_or(&r->disable, &best.removed);
	ok = true;
out:
	candidate_fini(&best);
	candidate_fini(&cand);
	fset_fini(&data);
	return ok;
}

struct guest_cpu *decode_result_guest(const struct decode_result *r, const struct cpu_map *map,
				      enum cpu_fallback fallback)
{
	struct guest_cpu *g = guest_cpu_new();

	g->mode = MODE_CUSTOM;
	g->match = MATCH_EXACT;
	g->fallback = fallback;
	g->model = r->model ? xstrdup(r->model->name) : NULL;
	g->vendor = r->vendor ? xstrdup(r->vendor) : NULL;
	for (size_t i = 0; i < r->nfeatures; i++) {
		const struct feature *f = ftable_get(map->ft, r->features[i].id);
		guest_cpu_set_policy(g, feature_libvirt_name(f), r->features[i].policy);
	}
	return g;
}
