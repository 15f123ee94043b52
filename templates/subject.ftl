${issue.title}: ${issue.entryCount} new post<#if issue.entryCount != 1>s</#if>, ${issue.dateRange}
