package main

import (
	"fmt"
	"strings"
)

// matchID resolves a (possibly shortened) ID against the known IDs: an exact match wins, then a
// unique prefix. Several matches are an error; no match returns the input unchanged, so that the
// runtime reports the unknown ID itself.
func matchID(kind, id string, known []string) (string, error) {
	if id == "" {
		return "", fmt.Errorf("ID cannot be empty")
	}
	var hits []string
	for _, k := range known {
		if k == id {
			return k, nil
		}
		if strings.HasPrefix(k, id) {
			hits = append(hits, k)
		}
	}
	switch len(hits) {
	case 0:
		return id, nil
	case 1:
		return hits[0], nil
	}
	return "", fmt.Errorf("ambiguous %s ID %q: it matches %d %ss (%s); give more characters", kind, id, len(hits), kind, strings.Join(shortIDs(hits), ", "))
}

func shortIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = truncateID(id, "")
	}
	return out
}

// podID resolves a pod sandbox ID or prefix.
func (c *session) podID(id string) (string, error) {
	rt, err := c.runtime()
	if err != nil {
		return "", err
	}
	pods, err := rt.ListPodSandbox(c.ctx, nil)
	if err != nil {
		return "", fmt.Errorf("list pod sandboxes: %w", err)
	}
	ids := make([]string, len(pods))
	for i, p := range pods {
		ids[i] = p.GetId()
	}
	return matchID("pod sandbox", id, ids)
}

// containerID resolves a container ID or prefix.
func (c *session) containerID(id string) (string, error) {
	rt, err := c.runtime()
	if err != nil {
		return "", err
	}
	ctrs, err := rt.ListContainers(c.ctx, nil)
	if err != nil {
		return "", fmt.Errorf("list containers: %w", err)
	}
	ids := make([]string, len(ctrs))
	for i, p := range ctrs {
		ids[i] = p.GetId()
	}
	return matchID("container", id, ids)
}
