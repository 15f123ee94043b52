<#--
  The plain-text part of the mail a sign-up gets. Model: title, email, name (may be empty),
  alreadySubscribed; confirmUrl and expires (when not alreadySubscribed); unsubscribeUrl (when
  alreadySubscribed); archiveUrl.
-->
<#if name?has_content>Hello ${name},<#else>Hello,</#if>

<#if alreadySubscribed>
Someone (probably you) asked to subscribe ${email} to ${title}.
This address is subscribed already: there is nothing to do, and if it
was not you, nothing has changed.

No longer want it? Unsubscribe:
${unsubscribeUrl}
<#else>
Someone (probably you) asked to subscribe ${email} to ${title}.
To confirm, open this link and press the button:

${confirmUrl}

The link works until ${expires}. Nothing is sent to this
address unless you confirm.

If it was not you, ignore this message: you will not hear from us
again.
</#if>

Past issues: ${archiveUrl}
