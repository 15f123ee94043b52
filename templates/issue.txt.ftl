${issue.title}
${issue.dateRange} - ${issue.entryCount} post<#if issue.entryCount != 1>s</#if> from ${issue.sources?size} source<#if issue.sources?size != 1>s</#if>

${personal.greeting}

<#list issue.sources as source>
== ${source.name} ==
<#if source.siteLink??>${source.siteLink}
</#if>

<#list source.entries as entry>
* ${entry.title}
  <#if entry.author??>${entry.author} - </#if>${entry.date}
<#if entry.link??>  ${entry.link}
</#if>
<#if entry.summary?has_content>
  ${entry.summary}
</#if>

</#list>
<#if source.more gt 0>
  ... and ${source.more} more<#if source.siteLink??> at ${source.siteLink}</#if>

</#if>
</#list>
--
You receive ${issue.title} because you subscribed to it.
View in browser: ${issue.archiveUrl}
Unsubscribe: ${personal.unsubscribeUrl}
