/** What the session pane shows before a session is picked (apart from the session views, which load on first use). */
export function SessionViewEmpty() {
  return (
    <section className="session-view session-view-empty" data-testid="session-view-empty">
      <p>
        Pick a session on the left — the most suspicious are at the top — to see its chain of evidence, its process tree and its timeline.
      </p>
    </section>
  );
}
