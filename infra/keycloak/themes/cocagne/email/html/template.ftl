<#macro emailLayout>
<html lang="${locale.language}" dir="${(ltr)?then('ltr','rtl')}">
<body style="margin:0;padding:24px 12px;background:#f6f8f5;color:#1d2a1f;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;font-size:16px;line-height:1.5;">
  <div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d5ddd5;border-top:6px solid #2f7d32;border-radius:10px;padding:20px 24px;">
    <p style="margin:0 0 16px;font-size:20px;font-weight:700;color:#215a24;"><span style="color:#2f7d32;">&#10086;</span> Cocagne</p>
    <#nested>
  </div>
</body>
</html>
</#macro>
