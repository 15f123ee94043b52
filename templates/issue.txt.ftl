<#--
  The plain-text part, rendered once per issue. Lines are wrapped at 72 columns afterwards
  (indentation kept, URLs never cut, a [n] mark stays with its word). Links are numbered
  where they occur and listed at the end.
-->
<#assign links = []>
<#macro ref url><#assign links = links + [url]>[${links?size}]</#macro>
<#assign posts = issue.entryCount + " post" + (issue.entryCount != 1)?then("s", "")>
<#assign sources = issue.sources?size + " source" + (issue.sources?size != 1)?then("s", "")>
${issue.title}
${issue.dateRange} · ${posts} from ${sources}

${personal.greeting}

In this issue:
<#list issue.sources as source>
  - ${source.name} (${source.entries?size})
</#list>

<#list issue.sources as source>
== ${source.name} ==<#if source.siteLink??> <@ref source.siteLink/></#if>

<#list source.entries as entry>
* ${entry.title}<#if entry.link??> <@ref entry.link/></#if>
  <#if entry.author?? && entry.author != source.name>${entry.author} · </#if>${entry.date}
<#if entry.summary?has_content>
  ${entry.summary}
</#if>

</#list>
<#if source.more gt 0>
  ... and ${source.more} more<#if source.siteLink??> at ${source.name} [${links?seq_index_of(source.siteLink) + 1}]</#if>

</#if>
</#list>
<#if links?has_content>
Links:
<#list links as link>
[${link?counter}] ${link}
</#list>

</#if>
--
You get ${issue.title} because you subscribed to it: once a week, the new posts of the sources above.

<#-- the links stand on lines of their own: the unsubscribe link is only filled in after wrapping -->
View in browser:
${issue.archiveUrl}

Unsubscribe with one click:
${personal.unsubscribeUrl}
