<#--
  The plain-text part, rendered once per issue. Lines are wrapped at 72 columns afterwards
  (indentation kept, URLs never cut, a [n] mark stays with its word). Links are numbered
  where they occur and listed at the end, walking the sources the same way again (a counter,
  not a growing list: appending to a FreeMarker sequence copies it, slow for a big issue).
  Like the HTML part it lists issue.sources in full, issue.briefs as titles, and sends the
  reader to the web version for issue.webOnly more.
-->
<#assign linkCount = 0>
<#macro ref><#assign linkCount = linkCount + 1>[${linkCount}]</#macro>
<#assign posts = issue.entryCount + " post" + (issue.entryCount != 1)?then("s", "")>
${issue.title} #${issue.number?c}
${issue.dateRange} · ${posts}

View in browser:
${issue.archiveUrl}

${personal.greeting}

<#list issue.sources as source>
== ${source.name} ==<#if source.siteLink??> <@ref/><#assign siteRef = linkCount></#if>

<#list source.entries as entry>
* ${entry.title}<#if entry.link??> <@ref/></#if>
  <#if entry.author?? && entry.author != source.name>${entry.author} · </#if>${entry.date}
<#if entry.summary?has_content>
  ${entry.summary}
</#if>

</#list>
<#if source.more gt 0>
  ... and ${source.more} more<#if source.siteLink??> at ${source.name} [${siteRef}]</#if>

</#if>
</#list>
<#if issue.cut()>
== More this week ==

<#list issue.briefs as brief>
* ${brief.title}<#if brief.link??> <@ref/></#if> · ${brief.source}
</#list>
<#if issue.webOnly gt 0>

${issue.webOnly} more post<#if issue.webOnly != 1>s</#if> in the web version:
${issue.archiveUrl}
</#if>

</#if>
<#if linkCount gt 0>
Links:
<#assign linkCount = 0>
<#list issue.sources as source>
<#if source.siteLink??>
<@ref/> ${source.siteLink}
</#if>
<#list source.entries as entry>
<#if entry.link??>
<@ref/> ${entry.link}
</#if>
</#list>
</#list>
<#list issue.briefs as brief>
<#if brief.link??>
<@ref/> ${brief.link}
</#if>
</#list>

</#if>
--
You get ${issue.title} because you subscribed to it: once a week, the new posts of the sources above.
<#if issue.sender?has_content>
${issue.sender}
</#if>

<#-- the links stand on lines of their own: the unsubscribe link is only filled in after wrapping -->
View in browser:
${issue.archiveUrl}

Unsubscribe with one click:
${personal.unsubscribeUrl}
