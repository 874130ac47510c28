package io.casetrail.cases.query;

import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;

/** Optional filters of searches and queues; {@code null} means any. */
public record CaseFilter(String orgId, CaseStatus status, Priority priority, ProductArea productArea,
                         String assignee, String team) {

    public static CaseFilter none() {
        return new CaseFilter(null, null, null, null, null, null);
    }
}
