<#--
  The subject of the mail a sign-up gets (signup.ConfirmationMail): a link to confirm, or, when
  the address is active already, word that it is. One line; the same model as confirm.html.ftlh.
-->
<#if alreadySubscribed>You are already subscribed to ${title}<#else>Confirm your subscription to ${title}</#if>
