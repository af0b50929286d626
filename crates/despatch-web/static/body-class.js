// Marks the page as able to run GOV.UK Frontend's JavaScript, as the template's inline snippet
// does, from a static file so the Content-Security-Policy needs no inline script.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
